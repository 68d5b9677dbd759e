// `detaudit validate SCENARIO...`: check without running and print the plan.
#include <iostream>
#include "audit/plan.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "env/fingerprint.hpp"
#include "scenario/scenario_parser.hpp"

namespace detaudit::app {
namespace {

void print_plan(const Scenario& s, const Plan& plan) {
    std::cout << s.path << ": valid, " << s.operations.size() << " operation" << (s.operations.size() == 1 ? "" : "s")
              << ", " << plan.variants.size() << " variant" << (plan.variants.size() == 1 ? "" : "s") << ", "
              << plan.cells.size() << " cells, " << plan.total_runs << " runs, peak memory about "
              << format_bytes(plan.peak_bytes) << "\n";
    for (const auto& v : plan.variants) {
        std::cout << "  variant " << v.name << ":";
        for (auto& [axis, value] : v.settings.items()) std::cout << " " << axis << "=" << (value.is_string() ? value.get<std::string>() : value.dump());
        std::cout << "\n";
    }
    for (const auto& p : plan.ops) {
        std::string backends;
        for (const auto& b : p.backends) backends += (backends.empty() ? "" : ",") + b;
        std::cout << "  " << p.op->id << ": " << p.op->kind << "/" << p.op->algorithm << " on " << backends << ", "
                  << p.cells << " cells x " << p.op->runs << " runs, memory about " << format_bytes(p.estimated_bytes)
                  << " " << p.op->params.dump() << "\n";
    }
}

} // namespace

void add_validate_command(CLI::App& cli, Action& action) {
    auto files = std::make_shared<std::vector<std::string>>();
    CLI::App* validate = cli.add_subcommand("validate", "Check scenarios without running them and print each plan: "
                                                        "variants, cells, runs and estimated memory");
    validate->add_option("scenarios", *files, "Scenario files")->required();
    validate->callback([files, &action] {
        action = [files] {
            int status = 0;
            for (const auto& f : *files) {
                try {
                    const Scenario s = parse_scenario_file(f);
                    const Plan plan = make_plan(s, {});
                    check_memory(s, plan, available_memory_bytes());
                    print_plan(s, plan);
                } catch (const Error& e) {
                    std::cerr << "detaudit: " << e.what() << "\n";
                    status = exit_code_for(e.kind());
                }
            }
            return status;
        };
    });
}

} // namespace detaudit::app
