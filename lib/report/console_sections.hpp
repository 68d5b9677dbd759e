// The sections of the console report, in the order render_console prints them; each returns its
// text with a leading blank line, or "" when it has nothing to say. They render the library's
// verdicts (tolerance_judge, expectations) and judge nothing themselves.
#pragma once
#include <string>
#include "report/console_reporter.hpp"
#include "report/report.hpp"

namespace detaudit {

// One row per cell: runs, distinct outputs, run-to-run, across-variants, max ULP, time, verdict.
std::string console_cell_table(const AuditReport& report, bool color);
// Cross-backend comparisons, one line each (and their statistics with verbose).
std::string console_cross_backend(const AuditReport& report, const ConsoleOptions& options);
// Per-cell details (verbose): first differences, multisets, p_diff_95.
std::string console_details(const AuditReport& report);
// Errors always, with their reason; skips grouped by backend and reason (each listed with verbose).
std::string console_errors_and_skips(const AuditReport& report, const ConsoleOptions& options);
// Failed expectations; with verbose also unproven, passed and not evaluated ones.
std::string console_expectations(const AuditReport& report, const ConsoleOptions& options);
std::string console_contradictions(const AuditReport& report, bool color);

} // namespace detaudit
