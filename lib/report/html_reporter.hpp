// The HTML reporter: one self-contained page (inline CSS and SVG, no script, no network) with the
// verdict, failures, what changes results, the cost of determinism, each operation's cells with
// run-to-run timelines and ULP histograms, and the environment (docs/reports.md). At most
// `max_bytes`: cell rows that do not fit are counted in an explicit "N more cells omitted" line.
#pragma once
#include "report/report.hpp"
#include <cstddef>
#include <string>

namespace detaudit {

constexpr std::size_t k_html_max_bytes = 4 * 1024 * 1024;

std::string render_html(const AuditReport& report, std::size_t max_bytes = k_html_max_bytes);

} // namespace detaudit
