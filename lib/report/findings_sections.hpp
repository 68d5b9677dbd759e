// Console sections that summarise findings across operations: which setting changes results
// (grouped by axis) and what determinism costs (time of each algorithm relative to the fastest).
#pragma once
#include <string>
#include "report/report.hpp"

namespace detaudit {

// "What changes results" lines, or "" when nothing was varied and nothing differed.
std::string render_what_changes(const AuditReport& report);
// "Cost of determinism" lines for op families with several algorithms, or "".
std::string render_cost_of_determinism(const AuditReport& report);

} // namespace detaudit
