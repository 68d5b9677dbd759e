// `run --baseline REPORT.json`: the `baseline` comparison axis (DESIGN.md "Across machines").
// Every cell is compared with the matching cell (operation, output, backend, variant) of a saved
// report by its run-1 output digest, and judged by the op's "baseline" expectation.
#pragma once
#include <string>
#include <vector>
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

// Throws detaudit::Error (usage, exit 2) naming `name` when `baseline` is of another scenario
// (its scenario_digest differs from `digest`, or it has none).
void check_baseline_scenario(const AuditReport& baseline, const std::string& name, const std::string& digest);

// Adds one "baseline" expectation per operation entry and backend to `report` and recomputes its
// summary and exit code. The expectation is the scenario's "baseline" one (or "identical" when it
// states none): identical (and a tolerance, which digests alone cannot measure) holds when every
// matched cell has the baseline's digest; differs when one does not; any always. Returns the cells
// that the baseline lacks ("op backend/variant"), which are judged by nothing.
std::vector<std::string> apply_baseline(AuditReport& report, const AuditReport& baseline, const Scenario& scenario);

} // namespace detaudit
