#include "report/report.hpp"
#include <cstdio>

namespace detaudit {

std::string display_name(const OperationReport& op) { return op.output.empty() ? op.id : op.id + ":" + op.output; }

std::string_view cell_status_name(CellStatus s) {
    switch (s) {
    case CellStatus::ok: return "ok";
    case CellStatus::skipped: return "skipped";
    case CellStatus::error: return "error";
    }
    return "error";
}

std::string describe_differing_changes(const AxisEffect& effect) {
    std::string text;
    for (const auto& c : effect.changes) {
        if (c.identical || c.within_noise) continue;
        char line[160];
        if (c.raw_bytes)
            std::snprintf(line, sizeof line, "%.3g %% of bytes", 100.0 * c.differing_fraction);
        else
            std::snprintf(line, sizeof line, "up to %llu ULP, %.3g %% of elements",
                          static_cast<unsigned long long>(c.max_ulp), 100.0 * c.differing_fraction);
        text += (text.empty() ? "" : "; ") + c.from + "→" + c.to + ": " + line;
    }
    return text;
}

std::string describe_run_to_run_changes(const AxisEffect& effect) {
    std::string text;
    for (const auto& c : effect.changes) {
        if (!c.more_run_to_run) continue;
        text += (text.empty() ? "" : "; ") + c.from + "→" + c.to + ": " + std::to_string(c.base_differing_runs) + "/" +
                std::to_string(c.base_compared_runs) + " → " + std::to_string(c.differing_runs) + "/" +
                std::to_string(c.compared_runs) + " runs differ";
    }
    return text;
}

} // namespace detaudit
