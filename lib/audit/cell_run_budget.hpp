// How many runs one cell makes: a fixed count, or (runs "auto") runs until every output's
// run_to_run question is answered — a run differed (a tolerance: went beyond it), which decides
// the expectation whatever later runs do, or the clean runs bound the per-run probability of a
// difference below max_p (run_count.hpp) — or the --max-runs cap comes first.
#pragma once
#include <map>
#include <string>
#include "cell_outputs.hpp"
#include "plan.hpp"

namespace detaudit {

class CellRunBudget {
public:
    CellRunBudget(const OpSpec& op, const CellRunCount& count, const AutoRuns& settings, bool strict)
        : m_op(op), m_count(count), m_settings(settings), m_strict(strict) {}

    int most() const { return m_count.most; }
    // After `completed` runs (1 or more): make another?
    bool another_run(int completed, const std::map<std::string, OutputTrack>& tracks) const;
    // Automatic cells: each ok output's cell gets why its runs stopped and the bound they reached.
    void record(std::map<std::string, OutputTrack>& tracks, int completed) const;

private:
    // A run differed (a tolerance: went beyond it), or the output failed: no run can change the
    // verdict on its run_to_run expectation.
    bool decided(const std::string& output, const Cell& cell) const;

    const OpSpec& m_op;
    CellRunCount m_count;
    AutoRuns m_settings;
    bool m_strict;
};

} // namespace detaudit
