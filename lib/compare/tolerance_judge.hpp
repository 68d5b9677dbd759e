// The one tolerance judge (DESIGN.md principle 1): is a comparison identical, within a tolerance,
// or beyond it? Used by expectations (lib/audit/expectations), `detaudit compare`
// (array_files) and nothing else: reporters render the verdict and reason it returns.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include "compare/diff_stats.hpp"

namespace detaudit {

// No bound: identical bits required. Bounds: every one given must hold.
struct Tolerance {
    std::optional<double> max_ulp, max_abs, max_rel;
    bool any() const { return max_ulp || max_abs || max_rel; }
};

enum class ToleranceVerdict { identical, within_tolerance, differs };
std::string_view verdict_name(ToleranceVerdict v); // "identical", "within_tolerance", "differs"

struct ToleranceJudgement {
    ToleranceVerdict verdict = ToleranceVerdict::identical;
    std::string reason; // one short phrase: "identical", "max_ulp 5 > 0", "within max_ulp 4 (max 3)"
    bool passed() const { return verdict != ToleranceVerdict::differs; }
};

// The statistics carry their dtype (DiffStats::dtype), whose meaning of max_ulp, max_abs and
// max_rel docs/algorithms.md defines; the judge is the same for every dtype but raw bytes:
// - a shape or dtype mismatch, and NaN against a number, pass no tolerance;
// - floats, complex (per part), integers (ULP distance = |a - b|) and bools (0 or 1): each bound
//   given must hold for the statistic of the same name;
// - raw bytes (files that are not arrays) have no magnitude: a tolerance on them requires
//   identical bytes.
ToleranceJudgement judge_tolerance(const Tolerance& t, const DiffStats& d);

} // namespace detaudit
