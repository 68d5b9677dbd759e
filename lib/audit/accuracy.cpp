#include "accuracy.hpp"
#include <chrono>
#include "compare/diff_stats.hpp"
#include "exact_reference.hpp"

namespace detaudit {

namespace {

std::string method_of(const std::string& kind) {
    if (kind == "matmul") return "exact dot products (exact products, exact integer accumulation), rounded once";
    if (kind == "elementwise") return "MPFR, correctly rounded";
    return "exact sum (exact integer accumulation), rounded once";
}

} // namespace

CellAccuracy measure_accuracy(const Buffer& reference, const Buffer& output, uint64_t run_to_run_max_ulp) {
    const DiffStats d = compare_buffers(reference, output);
    CellAccuracy a;
    a.max_ulp = d.max_ulp;
    a.max_abs = d.max_abs;
    a.max_rel = d.max_rel;
    a.elements = d.elements;
    a.inexact_elements = d.differing_elements;
    a.nan_mismatches = d.nan_mismatches;
    if (d.max_ulp > 0) a.drift_to_error = static_cast<double>(run_to_run_max_ulp) / static_cast<double>(d.max_ulp);
    return a;
}

void AccuracyCheck::measure(const std::optional<OpInputs>& inputs, CellRun& run) {
    if (!m_op.accuracy || !inputs) return;
    if (!m_reference) {
        const auto start = std::chrono::steady_clock::now();
        m_reference = exact_reference(m_op, *inputs);
        m_info = AccuracyReference{method_of(m_op.kind),
                                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
    }
    for (auto& [name, track] : run.tracks) {
        if (!track.reference || track.cell.status != CellStatus::ok) continue;
        track.cell.accuracy = measure_accuracy(*m_reference, track.reference->buffer(), track.cell.run_to_run.diff.max_ulp);
    }
}

} // namespace detaudit
