// The host backend: runs `exec` operations, external programs whose output files are compared.
#pragma once
#include "backend.hpp"

namespace detaudit {

class HostBackend final : public Backend {
public:
    std::string name() const override { return "host"; }
    BackendProbe probe() override;
    bool supports(const OpSpec& op) const override { return op.kind == "exec"; }
    void prepare(const OpSpec&, const OpInputs&) override {}
    double run(const OpSpec& op, const Variant& variant, Buffer& out) override;
    bool writes_named_outputs() const override { return true; }
    RunOutputs run_named(const OpSpec& op, const Variant& variant, const RunContext& context) override;
};

// The program an exec op runs in `variant`, for messages and `validate`: argv as a shell would
// quote it, with {out}, {run} and {variant} left as written.
std::string describe_command(const nlohmann::json& argv);
// The environment variables an exec op sets in `variant` (op's env, then the env.* axes);
// nullopt: unset.
std::map<std::string, std::optional<std::string>> exec_environment(const OpSpec& op, const Variant& variant);

} // namespace detaudit
