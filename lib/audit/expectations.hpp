// Judging expectations (DESIGN.md §1) against comparisons, classifying what was measured, and
// the summary with its exit code.
#pragma once
#include <string>
#include <utility>
#include <vector>
#include "compare/diff_text.hpp"
#include "compare/tolerance_judge.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

struct LabelledDiff {
    std::string label;       // "cpu/cpu.threads=8" or "cpu/base vs cuda/base"
    const DiffStats* diff;
    std::string extra;       // e.g. "4/9 runs differ"
    ComparisonVerdict* verdict = nullptr; // where judge() records this comparison's verdict
};

// The expectation's bounds as the tolerance judge (compare/tolerance_judge) takes them;
// "identical" is the empty tolerance.
Tolerance tolerance_of(const Expectation& e);
// `unevaluated_reason`: why there is nothing to compare, when `comparisons` is empty. Each
// comparison's own verdict goes to its LabelledDiff::verdict.
ExpectationResult judge(const std::string& axis, const std::string& backend, const Expectation& e,
                        const std::vector<LabelledDiff>& comparisons, const std::string& unevaluated_reason);

// Judges every expectation of one output of `op`: run_to_run and across_variants per backend,
// cross_backend per pair of the first backend with each other. `variants`: how many the plan has.
// An expectation with nothing to compare says why (a failed or skipped cell, nothing varied).
void judge_op(const OpSpec& op, const std::vector<std::string>& backends, std::size_t variants, bool strict,
              OperationReport& report);

// Fills measured_class and design_contradictions of each backend of `op`.
void classify(OperationReport& op);
// Counts, and the exit code: 130 interrupted > 3 required backend missing > 4 cell errors >
// 1 expectation failed > 0.
Summary summarize(const AuditReport& report, bool required_backend_missing);

} // namespace detaudit
