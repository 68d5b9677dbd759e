#include "tolerance_judge.hpp"
#include "compare/diff_text.hpp"
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace detaudit {
namespace {

std::string bound_text(double v) {
    // Tolerances from the scenario or the command line: integers stay integers ("0", not "0.0").
    if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    return magnitude_text(v);
}

} // namespace

std::string_view verdict_name(ToleranceVerdict v) {
    switch (v) {
    case ToleranceVerdict::identical: return "identical";
    case ToleranceVerdict::within_tolerance: return "within_tolerance";
    case ToleranceVerdict::differs: return "differs";
    }
    return "differs";
}

ToleranceJudgement judge_tolerance(const Tolerance& t, const DiffStats& d) {
    if (d.identical) return {ToleranceVerdict::identical, "identical"};
    if (d.shape_mismatch) return {ToleranceVerdict::differs, "dtype or shape differ (" + d.mismatch_detail + ")"};
    if (!t.any()) return {ToleranceVerdict::differs, "identical required"};
    if (d.nan_mismatches)
        return {ToleranceVerdict::differs, count_text(d.nan_mismatches, "NaN mismatch", "NaN mismatches") +
                                               " (NaN against a number passes no tolerance)"};
    if (d.raw_bytes)
        return {ToleranceVerdict::differs,
                "identical bytes required: a file that is not an array has no magnitude for a tolerance"};
    struct Bound {
        const char* name;
        const std::optional<double>& limit;
        double measured;
        std::string measured_text;
    };
    const Bound bounds[] = {
        {"max_ulp", t.max_ulp, static_cast<double>(d.max_ulp), std::to_string(d.max_ulp)},
        {"max_abs", t.max_abs, d.max_abs, magnitude_text(d.max_abs)},
        {"max_rel", t.max_rel, d.max_rel, magnitude_text(d.max_rel)},
    };
    std::string within;
    for (const Bound& b : bounds) {
        if (!b.limit) continue;
        // Written as !(a <= b) so that a NaN statistic counts as beyond.
        if (!(b.measured <= *b.limit))
            return {ToleranceVerdict::differs,
                    std::string(b.name) + " " + b.measured_text + " > " + bound_text(*b.limit)};
        within += (within.empty() ? "" : ", ") + std::string(b.name) + " " + b.measured_text +
                  " <= " + bound_text(*b.limit);
    }
    return {ToleranceVerdict::within_tolerance, "within tolerance (" + within + ")"};
}

} // namespace detaudit
