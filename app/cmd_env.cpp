// `detaudit env`: the environment fingerprint that every report carries, and backend availability.
#include <iostream>
#include "backends/backend.hpp"
#include "commands.hpp"
#include "env/fingerprint.hpp"
#include "trace/helper_location.hpp"

namespace detaudit::app {
namespace {

void print_tree(const nlohmann::json& j, const std::string& indent) {
    for (auto& [key, value] : j.items()) {
        if (value.is_object()) {
            std::cout << indent << key << ":\n";
            print_tree(value, indent + "  ");
        } else {
            std::cout << indent << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
        }
    }
}

} // namespace

void add_env_command(CLI::App& cli, Action& action) {
    auto as_json = std::make_shared<bool>(false);
    CLI::App* env = cli.add_subcommand("env", "Print the environment fingerprint (OS, CPU, build, BLAS, numerics "
                                              "environment variables, backends)");
    env->add_flag("--json", *as_json, "Print it as JSON");
    env->callback([as_json, &action] {
        action = [as_json] {
            nlohmann::json fp = environment_fingerprint();
            nlohmann::json backends = nlohmann::json::object();
            for (auto& b : make_compiled_backends()) {
                const BackendProbe p = b->probe();
                nlohmann::json entry = {{"available", p.available}};
                if (!p.available) entry["reason"] = p.reason;
                if (!p.device.empty()) entry["device"] = p.device;
                if (!p.environment.empty()) entry["details"] = p.environment;
                backends[b->name()] = entry;
            }
            fp["backends"] = backends;
            fp["trace_helper"] = trace::trace_helper_path(); // python/detaudit_trace.py (docs/trace.md)
            if (*as_json) std::cout << fp.dump(2) << "\n";
            else print_tree(fp, "");
            return 0;
        };
    });
}

} // namespace detaudit::app
