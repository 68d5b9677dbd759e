// "accuracy": true on an op: its reference is computed once, on the host, from the op's inputs
// the first time they exist (exact_reference.cpp), and every cell's run 1 is measured against it.
#pragma once
#include <optional>
#include "backends/backend.hpp"
#include "cell_outputs.hpp"

namespace detaudit {

class AccuracyCheck {
public:
    explicit AccuracyCheck(const OpSpec& op) : m_op(op) {}
    // Sets cell.accuracy on every output of `run` that has a run-1 buffer (no-op without
    // "accuracy", or before the inputs exist).
    void measure(const std::optional<OpInputs>& inputs, CellRun& run);
    // For the op's report: how the reference was computed (none when it never was).
    std::optional<AccuracyReference> reference_info() const { return m_info; }

private:
    const OpSpec& m_op;
    std::optional<Buffer> m_reference;
    std::optional<AccuracyReference> m_info;
};

// The accuracy of `output` against `reference`, with the cell's run-to-run spread alongside.
CellAccuracy measure_accuracy(const Buffer& reference, const Buffer& output, uint64_t run_to_run_max_ulp);

} // namespace detaudit
