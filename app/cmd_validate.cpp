// `detaudit validate SCENARIO...`: check without running and print the plan.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include "audit/plan.hpp"
#include "backends/host_backend.hpp"
#include "compare/diff_text.hpp"
#include "exec/placeholders.hpp"
#include "report/terminal_text.hpp"
#include "scenario/axes.hpp"
#include "scenario/axis_use.hpp"
#include "commands.hpp"
#include "runs_flags.hpp"
#include "common/error.hpp"
#include "env/fingerprint.hpp"
#include "scenario/scenario_parser.hpp"

namespace detaudit::app {
namespace {

std::string quoted_if_needed(const std::string& text) { return describe_command(nlohmann::json::array({text})); }

// What an exec op would run in each variant, as a shell command line with env(1) in front of
// it: {out} is a fresh directory per run and {run} the run number, so they stay as written.
void print_commands(const PlannedOp& p, const Plan& plan) {
    const OpSpec& op = *p.op;
    std::string outputs;
    for (const auto& o : op.params["outputs"]) outputs += (outputs.empty() ? "" : ", ") + o.get<std::string>();
    std::cout << "    outputs: " << outputs << "; timeout " << op.params["timeout_s"].dump() << " s; in "
              << (std::filesystem::path(op.base_dir) / op.params["cwd"].get<std::string>() / ".").lexically_normal().parent_path().string()
              << "\n";
    for (const auto& v : plan.variants) {
        if (!variant_applies_to(v, "host")) continue;
        // {variant} is known here; {out} and {run} differ per run and stay as written.
        const std::map<std::string, std::string> values = {{"out", "{out}"}, {"run", "{run}"}, {"variant", v.name}};
        std::string unset, set;
        for (const auto& [name, value] : exec_environment(op, v)) {
            if (value) set += " " + quoted_if_needed(name + "=" + expand_placeholders(*value, values));
            else unset += " -u " + name;
        }
        nlohmann::json argv = nlohmann::json::array();
        for (const auto& a : op.params["command"]) argv.push_back(expand_placeholders(a.get<std::string>(), values));
        const std::string env = unset + set;
        std::cout << "    would run [" << escape_for_terminal(v.name) << "]: " << (env.empty() ? "" : "env" + env + " ") << describe_command(argv)
                  << "\n";
    }
}

// runs "auto": the worst case, and where it comes from.
std::string runs_text(const CellRunCount& runs, const AutoRuns& a) {
    if (!runs.automatic) return count_text(static_cast<std::size_t>(runs.most), "run", "runs");
    char settings[96];
    std::snprintf(settings, sizeof settings, "confidence %g, max-p %g", a.confidence, a.max_p);
    const uint64_t needed = runs_for_bound(a.confidence, a.max_p);
    return "at most " + count_text(static_cast<std::size_t>(runs.most), "run", "runs") + " (auto: " + settings +
           (static_cast<uint64_t>(runs.most) < needed ? " needs " + std::to_string(needed) + ", capped by --max-runs" : "") + ")";
}

void print_plan(const Scenario& s, const Plan& plan, const AutoRuns& auto_runs) {
    std::cout << s.path << ": valid, " << s.operations.size() << " operation" << (s.operations.size() == 1 ? "" : "s")
              << ", " << plan.variants.size() << " variant" << (plan.variants.size() == 1 ? "" : "s") << ", "
              << count_text(plan.cells.size(), "cell", "cells") << ", " << (plan.automatic_runs ? "at most " : "")
              << count_text(plan.total_runs, "run", "runs")
              << ", peak memory about "
              << format_bytes(plan.peak_bytes)
              << (std::any_of(s.operations.begin(), s.operations.end(), [](const OpSpec& op) { return op.kind == "exec"; })
                      ? " plus what exec outputs need"
                      : "")
              << "\n";
    // Each variant with the settings its cells read: those of the backends it runs on.
    for (const auto& v : plan.variants) {
        const auto runs_on = [&](const std::function<bool(const std::string&)>& backend_reads) {
            return std::any_of(plan.ops.begin(), plan.ops.end(), [&](const PlannedOp& p) {
                return std::any_of(p.backends.begin(), p.backends.end(), [&](const std::string& b) {
                    return variant_applies_to(v, b) && backend_reads(b);
                });
            });
        };
        std::string settings;
        for (auto& [axis, value] : v.settings.items())
            if (runs_on([&, &axis = axis](const std::string& b) { return axis_applies_to(axis, b); }))
                settings += " " + axis + "=" + axis_value_text(value); // env.NAME null: "unset"
        const bool has_cells = runs_on([](const std::string&) { return true; });
        std::cout << "  variant " << escape_for_terminal(v.name) << ":"
                  << (!has_cells            ? " no operation runs with it"
                      : settings.empty()    ? " no setting applies"
                                            : escape_for_terminal(settings))
                  << "\n";
    }
    for (const auto& p : plan.ops) {
        std::string backends;
        for (const auto& b : p.backends) backends += (backends.empty() ? "" : ",") + b;
        std::cout << "  " << p.op->id << ": " << p.op->kind << "/" << p.op->algorithm << " on " << backends << ", "
                  << count_text(p.cells, "cell", "cells") << " x " << runs_text(p.runs, auto_runs) << ", memory "
                  << (p.op->kind == "exec" ? "bounded (outputs are spooled to disk)" : "about " + format_bytes(p.estimated_bytes))
                  << (p.op->kind == "exec" ? "" : " " + p.op->params.dump()) << "\n";
        if (p.op->kind == "exec") print_commands(p, plan);
    }
}

} // namespace

void add_validate_command(CLI::App& cli, Action& action) {
    auto files = std::make_shared<std::vector<std::string>>();
    auto no_exec = std::make_shared<bool>(false);
    auto strict = std::make_shared<bool>(false);
    auto auto_runs = std::make_shared<AutoRuns>();
    CLI::App* validate = cli.add_subcommand("validate", "Check scenarios without running them and print each plan: "
                                                        "variants, cells, runs, estimated memory, and the "
                                                        "commands exec operations would run");
    validate->add_option("scenarios", *files, "Scenario files")->required();
    validate->add_flag("--no-exec", *no_exec, "Refuse scenarios with exec operations (exit 2)");
    validate->add_flag("--strict", *strict,
                       "Warnings are errors (exit 2): a varied axis that applies to no operation");
    add_auto_runs_flags(*validate, *auto_runs);
    validate->callback([files, no_exec, strict, auto_runs, &action] {
        action = [files, no_exec, strict, auto_runs] {
            check_auto_settings(*auto_runs);
            PlanOptions options;
            options.auto_runs = *auto_runs;
            int status = 0;
            for (const auto& f : *files) {
                try {
                    const Scenario s = parse_scenario_file(f);
                    if (*no_exec) refuse_exec(s);
                    warn_unused_axes(s, *strict);
                    const Plan plan = make_plan(s, options);
                    check_memory(s, plan, available_memory_bytes());
                    print_plan(s, plan, *auto_runs);
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
