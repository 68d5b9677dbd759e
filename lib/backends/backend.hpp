// The Backend interface (DESIGN.md §8): where an op executes. The runner drives every backend
// through this interface only; tests drive it with a fake backend.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "common/buffer.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

struct BackendProbe {
    bool available = false;
    std::string reason; // when unavailable: the driver's or runtime's own words
    std::string device; // human description of what runs the ops
    nlohmann::json environment = nlohmann::json::object(); // facts for the report's fingerprint
};

// An op's inputs, generated once on the host and shared by every backend and variant.
struct OpInputs {
    std::vector<Buffer> buffers;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    virtual BackendProbe probe() = 0;
    virtual bool supports(const OpSpec& op) const = 0;
    // Called once per op before its cells run (device allocation, uploads).
    virtual void prepare(const OpSpec& op, const OpInputs& inputs) = 0;
    // One run into `out` (already sized). Returns the seconds spent in the op itself.
    // Throws detaudit::Error (runtime) on failure.
    virtual double run(const OpSpec& op, const Variant& variant, Buffer& out) = 0;
};

// Every backend compiled into this binary, cpu first.
std::vector<std::unique_ptr<Backend>> make_compiled_backends();
std::vector<std::string> compiled_backend_names();

} // namespace detaudit
