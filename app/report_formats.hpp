// The report formats `run` and `report` write (--json, --junit, --markdown, --html): which
// renderer each flag uses, so both commands write the same bytes for the same report.
#pragma once
#include "io/output_path.hpp"
#include "report/report.hpp"
#include <string>
#include <vector>

namespace detaudit::app {

// The text of the report `output.name` ("--json", "--junit", "--markdown", "--html") asks for.
std::string render_format(const std::string& flag, const AuditReport& report);

// Writes every output (report files first, so a console cut short cannot cost them); returns the
// first write error's message, or "" when all were written.
std::string write_reports(const std::vector<NamedPath>& outputs, const AuditReport& report);

} // namespace detaudit::app
