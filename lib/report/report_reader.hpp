// Reading a saved JSON report (docs/report.schema.json) back into the AuditReport model, for
// commands that render, compare or merge reports. Strict: truncated or invalid JSON, a schema
// version this build does not know, a missing, mistyped or unknown field is one line naming the
// file and the JSON pointer (detaudit::Error, exit 2). render_json(read_report(f)) reproduces a
// report detaudit wrote byte for byte.
#pragma once
#include "report/report.hpp"
#include <string>
#include <string_view>
#include <vector>

namespace detaudit {

// The schema versions read_report understands.
constexpr int k_report_schema_version = 1;

// Reads and parses the report file at `path` ("-" is not stdin: reports are files).
AuditReport read_report(const std::string& path);

// Reads several report files, in parallel on the hardware threads, in the order given. When any
// is refused, the error is that of the first refused file in that order, as reading them one by
// one would give.
// `texts`, when given, receives each file's text (what `merge` copies operations from).
std::vector<AuditReport> read_reports(const std::vector<std::string>& paths,
                                      std::vector<std::string>* texts = nullptr);

// Parses report text; `file` names it in error messages.
AuditReport parse_report(std::string_view text, const std::string& file);

} // namespace detaudit
