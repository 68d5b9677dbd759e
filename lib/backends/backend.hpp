// The Backend interface (DESIGN.md §8): where an op executes. The runner drives every backend
// through this interface only; tests drive it with a fake backend.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>
#include "common/buffer.hpp"
#include "common/error.hpp"
#include "compare/stored_output.hpp"
#include "io/npy_reader.hpp"
#include "report/report.hpp"
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

// What a backend that writes named outputs needs to know about one run.
struct RunContext {
    int run = 1;                         // 1-based
    std::string run_dir;                 // fresh for this run: exec's {out} is run_dir/out, logs beside it
    bool keep_run_files = false;         // --keep-runs: leave run_dir/out in place
    const std::atomic<bool>* interrupt = nullptr;
};

// One run's named outputs (exec: the files the program wrote, .npz members as "file.npz:member").
struct NamedOutput {
    std::string name;
    StoredOutput output; // exec: spooled to a file in the run directory (docs/performance.md, "Memory")
};

struct RunOutputs {
    std::vector<NamedOutput> outputs;
    std::vector<std::string> missing;    // declared outputs or globs that matched no file
    std::vector<std::pair<std::string, std::string>> failed; // output -> why it cannot be used
    double seconds = 0;
};

// A run that failed with more to say than one line (an external program's stderr tail).
class RunFailure : public Error {
public:
    RunFailure(const std::string& message, std::string detail)
        : Error(ErrorKind::runtime, message), m_detail(std::move(detail)) {}
    const std::string& detail() const { return m_detail; }

private:
    std::string m_detail;
};

// A run that says it cannot run here (an exec program's exit status 77, as CTest's skip): its
// cell is skipped, with this reason.
class RunSkipped : public Error {
public:
    explicit RunSkipped(const std::string& reason) : Error(ErrorKind::runtime, reason) {}
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
    // Backends whose runs produce several named outputs of types known only afterwards (host:
    // an exec program's files) return true and implement run_named instead of run.
    virtual bool writes_named_outputs() const { return false; }
    virtual RunOutputs run_named(const OpSpec& op, const Variant& variant, const RunContext& context);
    // Backends that run on a thread team: the size asked for by the variant and the size given.
    virtual std::optional<ThreadCount> threads(const Variant&) { return std::nullopt; }
};

// Every backend compiled into this binary, cpu first.
std::vector<std::unique_ptr<Backend>> make_compiled_backends();
std::vector<std::string> compiled_backend_names();

} // namespace detaudit
