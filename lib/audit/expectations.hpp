// Judging expectations (DESIGN.md §1) against comparisons, classifying what was measured, and
// the summary with its exit code.
#pragma once
#include <string>
#include <utility>
#include <vector>
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

struct LabelledDiff {
    std::string label;       // "cpu/cpu.threads=8" or "cpu/base vs cuda/base"
    const DiffStats* diff;
    std::string extra;       // e.g. "4/9 runs differ"
};

bool within_tolerance(const Expectation& e, const DiffStats& d);
// `unevaluated_reason`: why there is nothing to compare, when `comparisons` is empty.
ExpectationResult judge(const std::string& axis, const std::string& backend, const Expectation& e,
                        const std::vector<LabelledDiff>& comparisons, const std::string& unevaluated_reason);
// One line for a diff: "4 of 10 elements differ, max 3 ULP, max rel 2.1e-07".
std::string describe_diff(const DiffStats& d);

// Fills measured_class and design_contradictions of each backend of `op`.
void classify(OperationReport& op);
// Counts, and the exit code: 130 interrupted > 3 required backend missing > 4 cell errors >
// 1 expectation failed > 0.
Summary summarize(const AuditReport& report, bool required_backend_missing);

} // namespace detaudit
