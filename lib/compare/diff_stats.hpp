// Comparison of two buffers (DESIGN.md §5): identical, differing elements, ULP/abs/rel error,
// ULP histogram, NaN mismatches, first difference. Computed in one streaming pass.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include "common/buffer.hpp"

namespace detaudit {

// Buckets: 0, 1, 2-3, 4-15, 16-255, 256-65535, >=65536 ULP.
constexpr std::size_t k_ulp_buckets = 7;
const std::array<const char*, k_ulp_buckets>& ulp_bucket_labels();
std::size_t ulp_bucket(uint64_t ulp);

struct ValueText {
    std::string decimal; // exact decimal expansion (shortest round-trip is not enough to be exact)
    std::string hex_bits; // "0x3f800000"
};
ValueText describe_value(DType dtype, const std::byte* element);

struct FirstDifference {
    std::size_t index = 0;
    ValueText reference, other;
};

// What each statistic means for each dtype (integers, bools, complex, raw bytes) is defined in
// docs/algorithms.md, "Comparison metrics". Per comparison the histogram adds up to
// elements - nan_mismatches (raw bytes have no histogram: their magnitudes do not apply).
struct DiffStats {
    DType dtype = DType::f32;      // the reference's: what max_ulp, max_abs and max_rel mean
    bool identical = true;
    bool shape_mismatch = false;   // dtype or shape differ: nothing else is comparable
    bool raw_bytes = false;        // files that are not arrays: elements are bytes, no ULP or magnitude
                                   // (max_ulp, max_abs, max_rel and the histogram do not apply)
    std::string mismatch_detail;
    std::size_t elements = 0;
    std::size_t differing_elements = 0; // bits differ
    uint64_t max_ulp = 0;          // integers: the largest |a - b| (an integer's ULP is 1); bool: 0 or 1
    double max_abs = 0, max_rel = 0;
    std::array<uint64_t, k_ulp_buckets> ulp_histogram{};
    std::size_t nan_mismatches = 0;
    std::optional<FirstDifference> first_difference;
};

// `reference` vs `other`, element by element.
DiffStats compare_buffers(const Buffer& reference, const Buffer& other);
// What compare_buffers says when the dtypes or shapes differ (nothing else is comparable).
DiffStats describe_mismatch(DType reference, const std::vector<std::size_t>& reference_shape, DType other,
                            const std::vector<std::size_t>& other_shape);

// Fold `next` (one more run's comparison with run 1) into `total` (docs/algorithms.md, "Run-to-run
// statistics of a cell"): max_ulp, max_abs and max_rel are maxima over the runs, so a tolerance
// judged on the merge holds exactly when it holds for every run. The counts (elements,
// differing_elements, nan_mismatches) and the histogram are those of one run, the worst: most NaN
// mismatches, then most differing elements, the earliest on a tie; so they add up as for one
// comparison. The first difference is the first differing run's (the one dumped).
void merge_diff(DiffStats& total, const DiffStats& next);

// For differing rng outputs: do both hold the same multiset of values (bit patterns)?
bool same_multiset(const Buffer& a, const Buffer& b);

} // namespace detaudit
