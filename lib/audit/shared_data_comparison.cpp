#include "shared_data_comparison.hpp"
#include "compare/diff_stats.hpp"
#include "expectations.hpp"

namespace detaudit {

void SharedDataComparison::add_base_cell(const OpSpec& op, const std::string& backend, const CellRun& run) {
    if (op.data.empty()) return;
    auto track = run.tracks.find("");
    if (track == run.tracks.end() || !track->second.reference || track->second.cell.status != CellStatus::ok) return;
    First& first = m_first.try_emplace(op.data, First{op.id, op.across_algorithms, {}}).first->second;
    if (first.op_id == op.id) {
        first.outputs.emplace(backend, track->second.reference->buffer().clone());
        return;
    }
    auto theirs = first.outputs.find(backend);
    if (theirs == first.outputs.end()) return;
    m_pending.push_back(CellComparison{k_axis_across_algorithms, backend, "base", first.op_id, op.id, {},
                                       compare_buffers(theirs->second, track->second.reference->buffer())});
}

void SharedDataComparison::finish_op(const OpSpec& op, OperationReport& report) {
    report.data = op.data;
    report.across_algorithms = std::move(m_pending);
    m_pending.clear();
    if (op.data.empty()) return;
    const First& first = m_first.at(op.data);
    if (first.op_id == op.id) return; // the first op is judged through the later ones
    // The later op's expectation, else the first op's.
    const std::optional<Expectation> expected = op.across_algorithms ? op.across_algorithms : first.expectation;
    if (!expected) return;
    std::vector<LabelledDiff> diffs;
    for (auto& c : report.across_algorithms)
        diffs.push_back(LabelledDiff{c.backend + "/" + c.reference + " vs " + c.backend + "/" + c.other, &c.diff, "", &c.verdict});
    const std::string backend = report.across_algorithms.empty() ? op.backends.front() : report.across_algorithms.front().backend;
    report.expectations.push_back(judge(k_axis_across_algorithms, backend, *expected, diffs,
                                        "no base-variant run of \"" + first.op_id + "\" and this op on one backend"));
}

} // namespace detaudit
