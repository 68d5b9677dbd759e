#include "diff_stats.hpp"
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <vector>
#include "kernels/common/float_bits.hpp"

namespace detaudit {
namespace {

using kernels::from_bits;
using kernels::is_nan_bits;
using kernels::to_bits;
using kernels::ulp_distance;

// Bytes compared with memcmp before looking at elements: identical stretches cost one pass.
constexpr std::size_t k_scan_chunk_bytes = 16384;

template <typename T> ValueText describe(T x) {
    char text[1200];
    // %g with more digits than any float or double needs prints the exact binary value.
    std::snprintf(text, sizeof text, "%.800g", static_cast<double>(x));
    char hex[24];
    if constexpr (sizeof(T) == 4)
        std::snprintf(hex, sizeof hex, "0x%08" PRIx32, to_bits(x));
    else
        std::snprintf(hex, sizeof hex, "0x%016" PRIx64, to_bits(x));
    return {text, hex};
}

template <typename T> void compare_elements(const T* a, const T* b, std::size_t begin, std::size_t end,
                                            DiffStats& s) {
    for (std::size_t i = begin; i < end; ++i) {
        const auto bits_a = to_bits(a[i]);
        const auto bits_b = to_bits(b[i]);
        if (bits_a == bits_b) {
            ++s.ulp_histogram[0];
            continue;
        }
        ++s.differing_elements;
        if (!s.first_difference) s.first_difference = FirstDifference{i, describe(a[i]), describe(b[i])};
        const bool nan_a = is_nan_bits<T>(bits_a), nan_b = is_nan_bits<T>(bits_b);
        if (nan_a || nan_b) {
            if (nan_a != nan_b) ++s.nan_mismatches;
            else ++s.ulp_histogram[0]; // NaN vs NaN: 0 ULP apart, though the bits differ
            continue;
        }
        const uint64_t ulp = ulp_distance(a[i], b[i]);
        s.max_ulp = std::max(s.max_ulp, ulp);
        ++s.ulp_histogram[ulp_bucket(ulp)];
        const double da = static_cast<double>(a[i]), db = static_cast<double>(b[i]);
        const double abs_diff = std::fabs(da - db);
        const double magnitude = std::max(std::fabs(da), std::fabs(db));
        double rel = 0;
        if (magnitude != 0) rel = std::isinf(magnitude) ? INFINITY : abs_diff / magnitude;
        s.max_abs = std::max(s.max_abs, abs_diff);
        s.max_rel = std::max(s.max_rel, rel);
    }
}

template <typename T> void compare_typed(const Buffer& ref, const Buffer& other, DiffStats& s) {
    const T* a = ref.as<T>();
    const T* b = other.as<T>();
    const std::size_t n = ref.elements();
    const std::size_t chunk = k_scan_chunk_bytes / sizeof(T);
    for (std::size_t begin = 0; begin < n; begin += chunk) {
        const std::size_t end = std::min(n, begin + chunk);
        if (std::memcmp(a + begin, b + begin, (end - begin) * sizeof(T)) == 0) {
            s.ulp_histogram[0] += end - begin;
            continue;
        }
        compare_elements(a, b, begin, end, s);
    }
    s.identical = s.differing_elements == 0;
}

// Integers compare by absolute difference (DESIGN.md §5); ULP statistics do not apply.
void compare_integers(const Buffer& ref, const Buffer& other, DiffStats& s) {
    const auto* a = ref.as<int64_t>();
    const auto* b = other.as<int64_t>();
    for (std::size_t i = 0; i < ref.elements(); ++i) {
        if (a[i] == b[i]) {
            ++s.ulp_histogram[0];
            continue;
        }
        ++s.differing_elements;
        if (!s.first_difference)
            s.first_difference = FirstDifference{i, describe_value(DType::i64, ref.data() + 8 * i),
                                                 describe_value(DType::i64, other.data() + 8 * i)};
        const double diff = std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
        s.max_abs = std::max(s.max_abs, diff);
    }
    s.identical = s.differing_elements == 0;
}

std::string shape_text(const Buffer& b) {
    std::string out(dtype_name(b.dtype()));
    out += '[';
    for (std::size_t i = 0; i < b.shape().size(); ++i) {
        if (i) out += ',';
        out += std::to_string(b.shape()[i]);
    }
    out += ']';
    return out;
}

} // namespace

const std::array<const char*, k_ulp_buckets>& ulp_bucket_labels() {
    static const std::array<const char*, k_ulp_buckets> labels = {"0", "1", "2-3", "4-15", "16-255",
                                                                   "256-65535", ">=65536"};
    return labels;
}

std::size_t ulp_bucket(uint64_t ulp) {
    if (ulp == 0) return 0;
    if (ulp == 1) return 1;
    if (ulp <= 3) return 2;
    if (ulp <= 15) return 3;
    if (ulp <= 255) return 4;
    if (ulp <= 65535) return 5;
    return 6;
}

ValueText describe_value(DType dtype, const std::byte* element) {
    if (dtype == DType::i64) {
        int64_t v;
        std::memcpy(&v, element, sizeof v);
        char hex[24];
        std::snprintf(hex, sizeof hex, "0x%016" PRIx64, static_cast<uint64_t>(v));
        return {std::to_string(v), hex};
    }
    if (dtype == DType::f32) {
        float x;
        std::memcpy(&x, element, sizeof x);
        return describe(x);
    }
    double x;
    std::memcpy(&x, element, sizeof x);
    return describe(x);
}

DiffStats compare_buffers(const Buffer& reference, const Buffer& other) {
    DiffStats s;
    if (reference.dtype() != other.dtype() || reference.shape() != other.shape()) {
        s.identical = false;
        s.shape_mismatch = true;
        s.mismatch_detail = shape_text(reference) + " vs " + shape_text(other);
        return s;
    }
    s.elements = reference.elements();
    if (reference.dtype() == DType::i64) compare_integers(reference, other, s);
    else if (reference.dtype() == DType::f32) compare_typed<float>(reference, other, s);
    else compare_typed<double>(reference, other, s);
    return s;
}

void merge_diff(DiffStats& total, const DiffStats& next) {
    if (next.shape_mismatch && !total.shape_mismatch) {
        total.shape_mismatch = true;
        total.mismatch_detail = next.mismatch_detail;
    }
    total.identical = total.identical && next.identical;
    total.elements = std::max(total.elements, next.elements);
    total.differing_elements = std::max(total.differing_elements, next.differing_elements);
    total.max_ulp = std::max(total.max_ulp, next.max_ulp);
    total.max_abs = std::max(total.max_abs, next.max_abs);
    total.max_rel = std::max(total.max_rel, next.max_rel);
    for (std::size_t i = 0; i < k_ulp_buckets; ++i) total.ulp_histogram[i] += next.ulp_histogram[i];
    total.nan_mismatches = std::max(total.nan_mismatches, next.nan_mismatches);
    if (!total.first_difference && next.first_difference) total.first_difference = next.first_difference;
}

bool same_multiset(const Buffer& a, const Buffer& b) {
    if (a.dtype() != b.dtype() || a.elements() != b.elements()) return false;
    const std::size_t width = dtype_size(a.dtype());
    auto sorted_words = [&](const Buffer& buf) {
        std::vector<uint64_t> words(buf.elements());
        for (std::size_t i = 0; i < words.size(); ++i) {
            uint64_t w = 0;
            std::memcpy(&w, buf.data() + i * width, width);
            words[i] = w;
        }
        std::sort(words.begin(), words.end());
        return words;
    };
    return sorted_words(a) == sorted_words(b);
}

} // namespace detaudit
