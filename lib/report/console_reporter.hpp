// The console reporter: what a person reads after `detaudit run` — one table row per cell, the
// cross-backend verdicts, what failed and why, and a one-line summary that ends with the exit code.
#pragma once
#include <string>
#include "report/report.hpp"

namespace detaudit {

struct ConsoleOptions {
    bool color = false;   // ANSI colours; the app decides (a terminal, NO_COLOR, --color)
    bool verbose = false; // per-cell details: first differences, histograms, p_diff_95, skips
};

std::string render_console(const AuditReport& report, const ConsoleOptions& options);

// e.g. "12 cells: 9 identical, 2 differ, 1 skipped · expectations 10 passed, 1 failed · exit 1"
// (no trailing newline), so the app can also print it alone under --quiet.
std::string render_summary_line(const AuditReport& report, bool color);

} // namespace detaudit
