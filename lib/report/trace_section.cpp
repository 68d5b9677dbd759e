#include "report/trace_section.hpp"
#include <set>

namespace detaudit {
namespace {

std::string summary_of(const nlohmann::json& d) {
    if (d.contains("error")) return "trace unreadable: " + d["error"].get<std::string>();
    return d.value("summary", std::string());
}

} // namespace

std::string render_trace_divergences(const AuditReport& report) {
    std::vector<std::string> lines;
    std::set<std::string> seen;
    auto add = [&](const std::string& line) {
        if (seen.insert(line).second) lines.push_back(line);
    };
    for (const OperationReport& op : report.operations) {
        const bool one_cell = op.cells.size() == 1;
        for (const Cell& cell : op.cells)
            for (const nlohmann::json& d : cell.run_to_run.first_divergences) {
                const std::string where = one_cell ? "" : " [" + cell.backend + "/" + cell.variant + "]";
                add(op.id + where + ": run " + std::to_string(d.value("run", 0)) + " vs run " +
                    std::to_string(d.value("against_run", 1)) + " " + summary_of(d));
            }
        for (const CellComparison& c : op.across_variants)
            if (!c.first_divergence.is_null())
                add(op.id + ": " + c.other + " vs " + c.reference + " " + summary_of(c.first_divergence));
        for (const CellComparison& c : op.cross_backend)
            if (!c.first_divergence.is_null())
                add(op.id + ": " + c.other + " vs " + c.reference + " " + summary_of(c.first_divergence));
    }
    if (lines.empty()) return "";
    std::string out = "Where divergences start (traces)\n";
    for (const std::string& l : lines) out += "  " + l + "\n";
    return out;
}

} // namespace detaudit
