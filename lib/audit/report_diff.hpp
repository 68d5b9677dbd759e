// `detaudit diff`: matches the cells of reports of one scenario and explains differences with the
// environment fingerprints (DESIGN.md "Across machines").
#pragma once
#include <string>
#include <vector>
#include "report/diff_model.hpp"
#include "report/report.hpp"

namespace detaudit {

struct NamedReport {
    std::string name; // the file it came from, for messages
    AuditReport report;
};

// The first report against each of the others. `dump_dirs`: empty, or one --dump-dir per report,
// whose reference outputs are compared where both sides dumped one. Throws detaudit::Error
// (usage, exit 2) when the reports are of different scenarios or schema versions.
ReportDiff diff_reports(const std::vector<NamedReport>& reports, const std::vector<std::string>& dump_dirs);

// Differing leaves of two environment fingerprints, flattened to dotted paths.
std::vector<EnvChange> environment_changes(const nlohmann::json& a, const nlohmann::json& b);

} // namespace detaudit
