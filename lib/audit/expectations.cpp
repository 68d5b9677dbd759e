#include "expectations.hpp"
#include <cstdio>
#include <set>
#include "catalog/catalog.hpp"
#include "common/error.hpp"

namespace detaudit {
namespace {

std::string number_text(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

std::string expected_text(const Expectation& e) {
    const nlohmann::json j = e.to_json();
    return j.is_string() ? j.get<std::string>() : "within " + j.dump();
}

} // namespace

std::string describe_diff(const DiffStats& d) {
    if (d.shape_mismatch) return "outputs differ in dtype or shape (" + d.mismatch_detail + ")";
    if (d.identical) return "identical";
    if (d.raw_bytes)
        return std::to_string(d.differing_elements) + " of " + std::to_string(d.elements) + " bytes differ" +
               (d.first_difference ? ", first at offset " + std::to_string(d.first_difference->index) : "");
    std::string text = std::to_string(d.differing_elements) + " of " + std::to_string(d.elements) +
                       " elements differ, max " + std::to_string(d.max_ulp) + " ULP, max abs " +
                       number_text(d.max_abs) + ", max rel " + number_text(d.max_rel);
    if (d.nan_mismatches) text += ", " + std::to_string(d.nan_mismatches) + " NaN mismatches";
    return text;
}

bool within_tolerance(const Expectation& e, const DiffStats& d) {
    if (d.shape_mismatch || d.nan_mismatches) return false;
    if (e.max_ulp && static_cast<double>(d.max_ulp) > *e.max_ulp) return false;
    if (e.max_abs && !(d.max_abs <= *e.max_abs)) return false;
    if (e.max_rel && !(d.max_rel <= *e.max_rel)) return false;
    return true;
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
    for (const auto& c : comparisons) {
        if (!c.diff->identical) differing.push_back(&c);
        const bool ok = e.kind == Expectation::Kind::identical   ? c.diff->identical
                        : e.kind == Expectation::Kind::tolerance ? within_tolerance(e, *c.diff)
                                                                 : true;
        if (!ok) violating.push_back(&c);
    }
    const std::string counts = std::to_string(differing.size()) + " of " + std::to_string(comparisons.size()) +
                               (comparisons.size() == 1 ? " comparison differs" : " comparisons differ");
    auto first_of = [](const std::vector<const LabelledDiff*>& list) {
        const LabelledDiff& c = *list.front();
        return " (" + c.label + ": " + (c.extra.empty() ? "" : c.extra + ", ") + describe_diff(*c.diff) + ")";
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
    return r;
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
        for (const auto& e : op.expectations) {
            if (!e.evaluated) ++s.expectations_not_evaluated;
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
