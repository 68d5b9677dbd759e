// Exec ops with "trace": true (docs/trace.md): each run's program writes a trace to
// {out}/trace.jsonl; it is kept beside the run's logs, and every comparison whose traces differ
// (run k vs run 1, variant vs base, backend vs backend) gets a `first_divergence` object.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include "audit/cell_outputs.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

// The runner, after run `run` of a traced cell: run 1's trace is read through (a malformed trace
// fails the cell); run k > 1 is aligned with run 1 and, when they differ, a first_divergence
// object is added to every output's run_to_run. Throws a runtime Error naming the trace.
void compare_run_trace(const OpSpec& op, const std::string& run_dir, int run, CellRun& cell);

// The runner, once an op's reports are built: adds first_divergence to each across_variants and
// cross_backend comparison whose cells' run-1 traces differ. `run1_dir(backend, variant)`.
void add_cell_trace_divergences(const OpSpec& op, std::vector<OperationReport>& reports,
                                const std::function<std::string(const std::string&, const std::string&)>& run1_dir);

} // namespace detaudit
