#include "expectations.hpp"
#include <algorithm>
#include <cstdio>
#include <set>
#include "catalog/catalog.hpp"
#include "common/error.hpp"

namespace detaudit {
namespace {

std::string expected_text(const Expectation& e) {
    const nlohmann::json j = e.to_json();
    return j.is_string() ? j.get<std::string>() : "within " + j.dump();
}

} // namespace

Tolerance tolerance_of(const Expectation& e) {
    if (e.kind != Expectation::Kind::tolerance) return {};
    return Tolerance{e.max_ulp, e.max_abs, e.max_rel};
}

ExpectationResult judge(const std::string& axis, const std::string& backend, const Expectation& e,
                        const std::vector<LabelledDiff>& comparisons, const std::string& unevaluated_reason) {
    ExpectationResult r;
    r.axis = axis;
    r.backend = backend;
    r.expected = e.to_json();
    const std::string head = axis + " on " + backend + ": expected " + expected_text(e) + ": ";
    if (comparisons.empty()) {
        r.evaluated = false;
        r.held = true;
        r.detail = head + "not evaluated, " + unevaluated_reason;
        return r;
    }
    std::vector<const LabelledDiff*> differing, violating;
    std::vector<ToleranceJudgement> judgements;
    for (const auto& c : comparisons) {
        if (!c.diff->identical) differing.push_back(&c);
        judgements.push_back(judge_tolerance(tolerance_of(e), *c.diff));
        const bool gates = e.kind == Expectation::Kind::identical || e.kind == Expectation::Kind::tolerance;
        if (gates && !judgements.back().passed()) violating.push_back(&c);
    }
    const std::string counts = std::to_string(differing.size()) + " of " + std::to_string(comparisons.size()) +
                               (comparisons.size() == 1 ? " comparison differs" : " comparisons differ");
    auto first_of = [&](const std::vector<const LabelledDiff*>& list) {
        const LabelledDiff& c = *list.front();
        const std::string& reason = judgements[static_cast<std::size_t>(&c - comparisons.data())].reason;
        std::string text = " (" + c.label + ": " + (c.extra.empty() ? "" : c.extra + ", ") + describe_diff(*c.diff);
        if (e.kind == Expectation::Kind::tolerance) text += "; " + reason;
        return text + ")";
    };
    switch (e.kind) {
    case Expectation::Kind::identical:
    case Expectation::Kind::tolerance:
        r.held = violating.empty();
        r.detail = head + (r.held ? "held, " + counts : counts + first_of(violating));
        break;
    case Expectation::Kind::differs:
        r.held = !differing.empty();
        r.detail = head + (r.held ? "held, " + counts + first_of(differing)
                                  : "every comparison was identical (" + std::to_string(comparisons.size()) + ")");
        break;
    case Expectation::Kind::any:
        r.held = true;
        r.detail = head + counts + (differing.empty() ? "" : first_of(differing));
        break;
    }
    // Each comparison's verdict, for the reporters to show on its row. "differs" fails as a
    // whole: then every (identical) comparison is one it failed on.
    for (std::size_t i = 0; i < comparisons.size(); ++i) {
        ComparisonVerdict* v = comparisons[i].verdict;
        if (!v || e.kind == Expectation::Kind::any) continue;
        v->judged = true;
        if (e.kind == Expectation::Kind::differs) {
            v->held = r.held || !comparisons[i].diff->identical;
            v->reason = comparisons[i].diff->identical ? "identical, expected to differ" : "differs, as expected";
        } else {
            v->held = judgements[i].passed();
            v->reason = judgements[i].reason;
        }
    }
    return r;
}

namespace {

// Why an expectation on `backends` (one, or both of a cross-backend pair) has nothing to
// compare: a failed cell, or every cell skipped for the same reason, say so; else `fallback`.
std::string why_not_evaluated(const OperationReport& report, const std::vector<std::string>& backends,
                              const std::string& fallback, bool& cells_failed) {
    const Cell* skipped = nullptr;
    bool all_skipped = true, any = false;
    for (const auto& c : report.cells) {
        if (std::find(backends.begin(), backends.end(), c.backend) == backends.end()) continue;
        any = true;
        if (c.status == CellStatus::error) {
            cells_failed = true;
            return "a cell failed: " + c.backend + "/" + c.variant + ": " + c.reason;
        }
        if (c.status == CellStatus::skipped) {
            if (!skipped) skipped = &c;
            all_skipped = all_skipped && c.reason == skipped->reason;
        } else {
            all_skipped = false;
        }
    }
    if (any && all_skipped && skipped) return skipped->backend + " cells skipped: " + skipped->reason;
    return fallback;
}

void judge_on(const OpSpec& op, bool strict, OperationReport& report, const std::string& axis,
              const std::string& backend, const std::vector<std::string>& cell_backends,
              const std::vector<LabelledDiff>& comparisons, const std::string& fallback) {
    bool cells_failed = false;
    const std::string reason = comparisons.empty() ? why_not_evaluated(report, cell_backends, fallback, cells_failed) : "";
    ExpectationResult r = judge(axis, backend, effective_expectation(op, axis, strict, report.output), comparisons, reason);
    // A failed cell leaves the expectation unproven even when the other cells' comparisons held.
    r.cells_failed = cells_failed || std::any_of(report.cells.begin(), report.cells.end(), [&](const Cell& c) {
        return c.status == CellStatus::error &&
               std::find(cell_backends.begin(), cell_backends.end(), c.backend) != cell_backends.end();
    });
    report.expectations.push_back(std::move(r));
}

} // namespace

void judge_op(const OpSpec& op, const std::vector<std::string>& backends, std::size_t variants, bool strict,
              OperationReport& report) {
    for (const auto& backend : backends) {
        std::vector<LabelledDiff> run_to_run;
        std::size_t skipped_cells = 0;
        for (auto& c : report.cells) {
            if (c.backend != backend) continue;
            if (c.status != CellStatus::ok || c.runs < 2) {
                ++skipped_cells;
                continue;
            }
            run_to_run.push_back({backend + "/" + c.variant, &c.run_to_run.diff,
                                  std::to_string(c.run_to_run.differing_runs) + "/" +
                                      std::to_string(c.run_to_run.compared_runs) + " runs differ",
                                  &c.run_to_run.verdict});
        }
        judge_on(op, strict, report, k_axis_run_to_run, backend, {backend}, run_to_run,
                 skipped_cells ? "no cell of this backend ran twice or more" : "no cells on this backend");
        std::vector<LabelledDiff> across;
        for (auto& cmp : report.across_variants)
            if (cmp.backend == backend) across.push_back({cmp.other, &cmp.diff, "", &cmp.verdict});
        judge_on(op, strict, report, k_axis_across_variants, backend, {backend}, across,
                 variants > 1 ? "no variant of this backend completed" : "the scenario varies nothing");
    }
    for (std::size_t k = 1; k < backends.size(); ++k) {
        const std::string pair = backends.front() + "~" + backends[k];
        std::vector<LabelledDiff> cross;
        for (auto& cmp : report.cross_backend)
            if (cmp.backend == pair) cross.push_back({cmp.reference + " vs " + cmp.other, &cmp.diff, "", &cmp.verdict});
        judge_on(op, strict, report, k_axis_cross_backend, pair, {backends.front(), backends[k]}, cross,
                 "a backend produced no output to compare");
    }
}

void classify(OperationReport& op) {
    const KindSpec* kind = find_kind(op.kind);
    const AlgorithmSpec* algorithm = kind ? find_algorithm(*kind, op.algorithm) : nullptr;
    std::set<std::string> backends;
    for (const auto& c : op.cells) backends.insert(c.backend);
    for (const auto& b : backends) {
        bool any_ok = false, run_to_run_differs = false, variants_differ = false;
        for (const auto& c : op.cells) {
            if (c.backend != b || c.status != CellStatus::ok) continue;
            any_ok = true;
            run_to_run_differs = run_to_run_differs || c.run_to_run.differing_runs > 0;
        }
        for (const auto& cmp : op.across_variants)
            if (cmp.backend == b && !cmp.diff.identical) variants_differ = true;
        const MeasuredClass measured = !any_ok               ? MeasuredClass::not_measured
                                       : run_to_run_differs ? MeasuredClass::nondeterministic
                                       : variants_differ    ? MeasuredClass::run_to_run
                                                            : MeasuredClass::variant_invariant;
        op.measured_class[b] = std::string(measured_class_name(measured));
        if (algorithm && algorithm->backends.count(b)) {
            const DesignClass design = design_class(*algorithm, b, op.parameters);
            op.design_class[b] = std::string(design_class_name(design));
            if (contradicts_design(design, measured))
                op.design_contradictions.push_back(
                    op.kind + "/" + op.algorithm + " on " + b + " is designed " + std::string(design_class_name(design)) +
                    " but measured " + std::string(measured_class_name(measured)) +
                    ": a bug in detaudit's kernel or a finding about this platform");
        }
    }
    for (const auto& cmp : op.cross_backend) {
        if (cmp.diff.identical || !algorithm) continue;
        bool all_cross = true;
        for (const auto& [b, dc] : algorithm->backends)
            all_cross = all_cross && design_class(*algorithm, b, op.parameters) == DesignClass::cross_backend;
        if (all_cross)
            op.design_contradictions.push_back(op.kind + "/" + op.algorithm + " is designed cross_backend but " +
                                               cmp.reference + " and " + cmp.other + " differ: " + describe_diff(cmp.diff));
    }
}

namespace {

void count_comparison(AxisSummary& axis, bool differs, const ComparisonVerdict& verdict) {
    ++axis.compared;
    ++(differs ? axis.differing : axis.identical);
    if (verdict.judged && !verdict.held) ++axis.failed;
}

} // namespace

Summary summarize(const AuditReport& report, bool required_backend_missing) {
    Summary s;
    s.operations = report.operations.size();
    for (const auto& op : report.operations) {
        for (const auto& c : op.cells) {
            ++s.cells;
            if (c.status == CellStatus::ok) {
                ++s.cells_ok;
                if (c.run_to_run.differing_runs > 0) ++s.cells_differing;
                else ++s.cells_identical;
            } else if (c.status == CellStatus::skipped) {
                ++s.cells_skipped;
            } else {
                ++s.cells_error;
            }
        }
        for (const auto& c : op.cells)
            if (c.status == CellStatus::ok && c.run_to_run.compared_runs > 0)
                count_comparison(s.run_to_run, c.run_to_run.differing_runs > 0, c.run_to_run.verdict);
        for (const auto& c : op.across_variants) count_comparison(s.across_variants, !c.diff.identical, c.verdict);
        for (const auto& c : op.cross_backend) count_comparison(s.cross_backend, !c.diff.identical, c.verdict);
        for (const auto& e : op.expectations) {
            if (e.cells_failed) ++s.expectations_errored;
            else if (!e.evaluated) ++s.expectations_not_evaluated;
            else if (e.held) ++s.expectations_passed;
            else ++s.expectations_failed;
        }
    }
    s.exit_code = report.interrupted        ? exit_code::k_interrupted
                  : required_backend_missing ? exit_code::k_required_backend_unavailable
                  : s.cells_error            ? exit_code::k_execution_failed
                  : s.expectations_failed    ? exit_code::k_expectation_failed
                                             : exit_code::k_ok;
    return s;
}

} // namespace detaudit
