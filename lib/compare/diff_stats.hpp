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

struct DiffStats {
    bool identical = true;
    bool shape_mismatch = false;   // dtype or shape differ: nothing else is comparable
    bool raw_bytes = false;        // files that are not arrays: elements are bytes, no ULP or magnitude
    std::string mismatch_detail;
    std::size_t elements = 0;
    std::size_t differing_elements = 0; // bits differ
    uint64_t max_ulp = 0;
    double max_abs = 0, max_rel = 0;
    std::array<uint64_t, k_ulp_buckets> ulp_histogram{};
    std::size_t nan_mismatches = 0;
    std::optional<FirstDifference> first_difference;
};

// `reference` vs `other`, element by element.
DiffStats compare_buffers(const Buffer& reference, const Buffer& other);

// Fold `next` (one more comparison) into `total`: maxima of the maxima, differing elements and
// NaN mismatches of the worst comparison, histograms summed, first difference kept from the first.
void merge_diff(DiffStats& total, const DiffStats& next);

// For differing rng outputs: do both hold the same multiset of values (bit patterns)?
bool same_multiset(const Buffer& a, const Buffer& b);

} // namespace detaudit
