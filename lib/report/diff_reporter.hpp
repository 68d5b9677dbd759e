// Reporters for `detaudit diff` (report/diff_model): console, JSON (docs/diff.schema.json) and
// GitHub-flavoured Markdown. Pure functions of the diff.
#pragma once
#include <string>
#include "report/diff_model.hpp"

namespace detaudit {

// Per pair: the environment fields that differ (those that can change results marked), the
// cells that differ (with --dumps statistics), cells on one side only, then a verdict line.
std::string render_diff_console(const ReportDiff& diff);
std::string render_diff_json(const ReportDiff& diff);
std::string render_diff_markdown(const ReportDiff& diff);

} // namespace detaudit
