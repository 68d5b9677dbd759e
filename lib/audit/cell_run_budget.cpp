#include "cell_run_budget.hpp"
#include <algorithm>
#include "expectations.hpp"

namespace detaudit {

bool CellRunBudget::decided(const std::string& output, const Cell& cell) const {
    if (cell.status != CellStatus::ok) return true;
    const RunToRun& rr = cell.run_to_run;
    const Expectation e = effective_expectation(m_op, k_axis_run_to_run, m_strict, output);
    if (e.kind == Expectation::Kind::tolerance)
        return rr.compared_runs > 0 && !judge_tolerance(tolerance_of(e), rr.diff).passed();
    return rr.differing_runs > 0;
}

bool CellRunBudget::another_run(int completed, const std::map<std::string, OutputTrack>& tracks) const {
    if (completed >= m_count.most) return false;
    if (!m_count.automatic || tracks.empty()) return true;
    return !std::all_of(tracks.begin(), tracks.end(), [&](const auto& t) { return decided(t.first, t.second.cell); });
}

void CellRunBudget::record(std::map<std::string, OutputTrack>& tracks, int completed) const {
    if (!m_count.automatic) return;
    const uint64_t needed = runs_for_bound(m_settings.confidence, m_settings.max_p);
    for (auto& [name, track] : tracks) {
        Cell& cell = track.cell;
        if (cell.status != CellStatus::ok) continue;
        AutoRunsOutcome outcome;
        outcome.confidence = m_settings.confidence;
        outcome.max_p = m_settings.max_p;
        outcome.most_runs = static_cast<std::size_t>(m_count.most);
        const bool settled = decided(name, cell);
        const auto runs = static_cast<uint64_t>(completed);
        outcome.stopped_by = settled ? "decided" : runs >= needed ? "bound" : completed >= m_count.most ? "cap" : "interrupted";
        if (!settled) outcome.p_bound = difference_bound(static_cast<std::size_t>(completed), m_settings.confidence);
        cell.auto_runs = outcome;
    }
}

} // namespace detaudit
