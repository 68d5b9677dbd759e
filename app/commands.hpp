// The subcommands of the detaudit CLI: each registers its options and returns its exit code.
#pragma once
#include <functional>
#include <CLI/CLI.hpp>
#include "scenario/scenario.hpp"

namespace detaudit::app {

// Each `add_*` adds a subcommand to `cli` and sets `action` to run when it is chosen.
using Action = std::function<int()>;
void add_run_command(CLI::App& cli, Action& action);
void add_validate_command(CLI::App& cli, Action& action);
void add_ops_command(CLI::App& cli, Action& action);
void add_env_command(CLI::App& cli, Action& action);
void add_compare_command(CLI::App& cli, Action& action);
void add_trace_diff_command(CLI::App& cli, Action& action);
void add_report_command(CLI::App& cli, Action& action);
void add_merge_command(CLI::App& cli, Action& action);
void add_diff_command(CLI::App& cli, Action& action);

std::string version_text();

// --no-exec: throws detaudit::Error (usage, exit 2) naming the first exec op of `scenario`.
void refuse_exec(const Scenario& scenario);

// A varied axis that applies to no operation: a warning on stderr, or with `strict` an Error
// (scenario, exit 2) before any work.
void warn_unused_axes(const Scenario& scenario, bool strict);

} // namespace detaudit::app
