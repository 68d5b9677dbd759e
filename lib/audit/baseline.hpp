// `run --baseline REPORT.json`: the `baseline` comparison axis (DESIGN.md "Across machines").
// Every cell is compared with the matching cell (operation, output, backend, variant) of a saved
// report by its run-1 output digest, and judged by the op's "baseline" expectation; with
// --baseline-dumps, a cell whose digest differs is also measured against the baseline run's
// dumped reference (baseline_dumps), so that a tolerance is judged on values.
#pragma once
#include <string>
#include <vector>
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

class BaselineDumps;

// How a cell is matched across reports: "<entry> <backend>/<variant>" (entry: display_name).
std::string baseline_cell_key(const std::string& entry, const std::string& backend, const std::string& variant);

// Whether the op states a tolerance on the `baseline` axis for this output: then `run --dump-dir`
// keeps every cell's reference output, for a later `run --baseline-dumps` to measure against.
bool states_baseline_tolerance(const OpSpec& op, const std::string& output);

// Throws detaudit::Error (usage, exit 2) naming `name` when `baseline` is of another scenario
// (its scenario_digest differs from `digest`, or it has none).
void check_baseline_scenario(const AuditReport& baseline, const std::string& name, const std::string& digest);

// Throws detaudit::Error (usage, exit 2) when an operation states a tolerance on `baseline` and
// there are no dumps to measure it on: a report alone holds digests, not values.
void check_baseline_tolerances(const Scenario& scenario, bool have_dumps);

// Adds one "baseline" expectation per operation entry and backend to `report`, records the
// comparison under report.scenario["baseline"] (the report `name`, the dumps, every cell whose
// digest differs with its statistics) and recomputes the summary and exit code. The expectation
// is the scenario's "baseline" one (or "identical" when it states none): identical holds when
// every matched cell has the baseline's digest; a tolerance when every cell that differs was
// measured (`dumps`) within it; differs when one cell differs; any always. Returns the cells that
// the baseline lacks ("op backend/variant"), which are judged by nothing.
std::vector<std::string> apply_baseline(AuditReport& report, const AuditReport& baseline, const std::string& name,
                                        const Scenario& scenario, const BaselineDumps* dumps);

} // namespace detaudit
