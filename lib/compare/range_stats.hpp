// Internal to lib/compare: the element statistics of one range of two same-shaped buffers,
// vectorised where it pays (f32, f64, integers, bools, raw bytes: an equality scan at vector
// width, then branch-free ULP / abs / rel / histogram for the vectors that differ), scalar for
// f16 and complex. compare_buffers and digest_and_compare feed whole buffers or cache-sized
// chunks through it; the results do not depend on how a buffer is cut into ranges.
#pragma once
#include <cstddef>
#include "diff_stats.hpp"

namespace detaudit {

// Adds elements [begin, end) of `reference` vs `other` (same dtype and shape) to `s`: counts,
// histogram, maxima, and the first difference if `s` has none yet. `identical` is left to the
// caller (differing_elements == 0 once every range is in).
void compare_range(const Buffer& reference, const Buffer& other, std::size_t begin, std::size_t end,
                   DiffStats& s);

// The scalar paths (f16, c64, c128), in diff_stats.cpp.
void compare_components_range(const Buffer& reference, const Buffer& other, std::size_t begin, std::size_t end,
                              DiffStats& s);

// Lane totals of one range, folded into DiffStats by the caller. ge[k] counts the elements that
// are no NaN mismatch and lie at least k_ulp_thresholds[k] ULP apart (the histogram follows).
struct RangeTotals {
    uint64_t differing = 0, nan_mismatches = 0, max_ulp = 0;
    uint64_t ge[k_ulp_buckets - 1] = {};
    double max_abs = 0, max_rel = 0;
};
void fold_range_totals(const RangeTotals& t, std::size_t elements, bool raw, DiffStats& s);

// Vectorised kernels (float_range_stats.cpp, integer_range_stats.cpp): `n` elements from `a`, `b`.
void float_range_stats(const float* a, const float* b, std::size_t n, RangeTotals& t);
void float_range_stats(const double* a, const double* b, std::size_t n, RangeTotals& t);
// value: integers; truth: bools; raw: bytes without magnitude (only which differ).
enum class IntegerKind { value, truth, raw };
template <typename T> void integer_range_stats(const T* a, const T* b, std::size_t n, IntegerKind kind, RangeTotals& t);

} // namespace detaudit
