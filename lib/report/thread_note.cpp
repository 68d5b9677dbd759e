#include "thread_note.hpp"
#include <map>
#include <utility>

namespace detaudit {

std::string thread_shortfall_note(const AuditReport& report) {
    std::map<std::pair<int, int>, std::size_t> shortfalls; // (requested, granted) -> cells
    std::size_t cells = 0;
    for (const auto& op : report.operations)
        for (const auto& c : op.cells)
            if (c.threads && c.threads->granted != c.threads->requested) {
                ++shortfalls[{c.threads->requested, c.threads->granted}];
                ++cells;
            }
    if (cells == 0) return "";
    std::string pairs;
    for (const auto& [counts, n] : shortfalls)
        pairs += (pairs.empty() ? "" : ", ") + std::to_string(counts.first) + " -> " + std::to_string(counts.second);
    // The settings that limit an OpenMP team, as the environment fingerprint recorded them.
    std::string causes;
    const auto env = report.environment.find("numerics_env");
    for (const char* name : {"OMP_THREAD_LIMIT", "OMP_DYNAMIC"})
        if (env != report.environment.end() && env->is_object() && env->contains(name) && (*env)[name].is_string())
            causes += (causes.empty() ? "" : ", ") + std::string(name) + "=" + (*env)[name].get<std::string>();
    return "note: OpenMP gave " + std::to_string(cells) + (cells == 1 ? " cell" : " cells") +
           " fewer threads than cpu.threads asked for (" + pairs + "; " +
           (causes.empty() ? "the OpenMP runtime's limit" : causes) +
           "): they did not run with the thread count they name (cells[].threads in the JSON report)\n";
}

} // namespace detaudit
