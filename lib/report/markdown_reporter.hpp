// The Markdown reporter: GitHub-flavoured Markdown for people and for $GITHUB_STEP_SUMMARY
// (docs/reports.md). Verdict first, then failures and findings, then one collapsible <details>
// per operation and the environment. Never longer than `max_bytes`: cell rows that do not fit are
// counted in an explicit "N more cells omitted" line. Text from scenarios and programs is escaped.
#pragma once
#include "report/report.hpp"
#include <cstddef>
#include <string>

namespace detaudit {

// GitHub refuses step summaries over 1 MiB; this leaves room for other steps' lines.
constexpr std::size_t k_markdown_max_bytes = 1000 * 1000;

std::string render_markdown(const AuditReport& report,
                            std::size_t max_bytes = k_markdown_max_bytes);

} // namespace detaudit
