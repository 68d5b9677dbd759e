#include "diff_stats.hpp"
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>
#include "kernels/common/float_bits.hpp"
#include "range_stats.hpp"

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

template <typename Bits> Bits load_bits(const std::byte* p) {
    Bits b;
    std::memcpy(&b, p, sizeof b);
    return b;
}

// f16 has no C++ type before C++23: values go through double (exact for every binary16), ULP
// distances use the same monotonic mapping as f32/f64 on the 16-bit pattern.
constexpr uint16_t k_half_abs_mask = 0x7fff, k_half_exp_mask = 0x7c00;

double half_to_double(uint16_t h) {
    const bool negative = (h & 0x8000) != 0;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    double magnitude;
    if (exponent == 0) magnitude = std::ldexp(static_cast<double>(mantissa), -24); // zero, subnormal
    else if (exponent == 31) magnitude = mantissa ? NAN : INFINITY;
    else magnitude = std::ldexp(static_cast<double>(1024 + mantissa), exponent - 25);
    return negative ? -magnitude : magnitude;
}

// One floating-point number inside an element (the element itself, or a complex part): whether
// it is NaN, its monotonic key for ULP distances, and its value.
struct Component {
    bool nan;
    int64_t key;
    double value;
};

Component half_component(const std::byte* p) {
    uint16_t b;
    std::memcpy(&b, p, sizeof b);
    const auto magnitude = static_cast<int64_t>(b & k_half_abs_mask);
    return {magnitude > k_half_exp_mask, (b & 0x8000) ? -magnitude : magnitude, half_to_double(b)};
}

template <typename T> Component float_component(const std::byte* p) {
    T x;
    std::memcpy(&x, p, sizeof x);
    const auto bits = to_bits(x);
    return {is_nan_bits<T>(bits), kernels::monotonic_key<T>(bits), static_cast<double>(x)};
}

uint64_t key_distance(int64_t a, int64_t b) {
    return a >= b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                  : static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
}

// f16, c64 and c128, element by element. Complex numbers are compared componentwise, as 2·n
// floats of the component type: max_ulp, max_abs and max_rel are maxima over real and imaginary
// parts (a NaN part contributes nothing to them). The counts stay per element: an element differs
// when either part's bits differ, is a NaN mismatch when either part is NaN on one side only, and
// otherwise lands in the histogram bucket of its worse part.
template <Component (*k_get)(const std::byte*), std::size_t k_parts>
void compare_components(const Buffer& ref, const Buffer& other, std::size_t first, std::size_t last, DiffStats& s) {
    const std::size_t width = dtype_size(ref.dtype());
    const std::size_t part_width = width / k_parts;
    const std::size_t chunk = k_scan_chunk_bytes / width;
    for (std::size_t begin = first; begin < last; begin += chunk) {
        const std::size_t end = std::min(last, begin + chunk);
        if (std::memcmp(ref.data() + begin * width, other.data() + begin * width, (end - begin) * width) == 0) {
            s.ulp_histogram[0] += end - begin;
            continue;
        }
        for (std::size_t i = begin; i < end; ++i) {
            const std::byte* pa = ref.data() + i * width;
            const std::byte* pb = other.data() + i * width;
            if (std::memcmp(pa, pb, width) == 0) {
                ++s.ulp_histogram[0];
                continue;
            }
            ++s.differing_elements;
            if (!s.first_difference)
                s.first_difference = FirstDifference{i, describe_value(ref.dtype(), pa), describe_value(ref.dtype(), pb)};
            bool nan_mismatch = false;
            uint64_t ulp = 0;
            for (std::size_t part = 0; part < k_parts; ++part) {
                const Component a = k_get(pa + part * part_width), b = k_get(pb + part * part_width);
                if (a.nan || b.nan) {
                    nan_mismatch = nan_mismatch || a.nan != b.nan; // NaN vs NaN: 0 ULP apart
                    continue;
                }
                ulp = std::max(ulp, key_distance(a.key, b.key));
                const double abs_diff = std::fabs(a.value - b.value);
                const double magnitude = std::max(std::fabs(a.value), std::fabs(b.value));
                double rel = 0;
                if (magnitude != 0) rel = std::isinf(magnitude) ? INFINITY : abs_diff / magnitude;
                s.max_abs = std::max(s.max_abs, abs_diff);
                s.max_rel = std::max(s.max_rel, rel);
            }
            s.max_ulp = std::max(s.max_ulp, ulp);
            if (nan_mismatch) ++s.nan_mismatches;
            else ++s.ulp_histogram[ulp_bucket(ulp)];
        }
    }
}

template <typename T> ValueText describe_integer(const std::byte* element) {
    T v;
    std::memcpy(&v, element, sizeof v);
    uint64_t bits = 0;
    std::memcpy(&bits, element, sizeof v); // little-endian host: the low bytes
    char hex[24];
    std::snprintf(hex, sizeof hex, "0x%0*" PRIx64, static_cast<int>(2 * sizeof(T)), bits);
    return {std::to_string(v), hex};
}

// "RE+IMj" as numpy prints complex numbers (exact decimals); hex: the real part's bits, then the
// imaginary part's.
template <typename T> ValueText describe_complex(const std::byte* element) {
    T re, im;
    std::memcpy(&re, element, sizeof re);
    std::memcpy(&im, element + sizeof re, sizeof im);
    ValueText r = describe(re), i = describe(im);
    const bool sign = !i.decimal.empty() && (i.decimal[0] == '-' || i.decimal[0] == '+');
    return {r.decimal + (sign ? "" : "+") + i.decimal + "j", r.hex_bits + i.hex_bits.substr(2)};
}

std::string shape_text(DType dtype, const std::vector<std::size_t>& shape) {
    std::string out(dtype_name(dtype));
    out += '[';
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(shape[i]);
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
    switch (dtype) {
    case DType::f32: return describe(from_bits<float>(load_bits<uint32_t>(element)));
    case DType::f64: return describe(from_bits<double>(load_bits<uint64_t>(element)));
    case DType::f16: {
        const auto bits = load_bits<uint16_t>(element);
        ValueText v = describe(half_to_double(bits));
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%04x", static_cast<unsigned>(bits));
        v.hex_bits = hex;
        return v;
    }
    case DType::c64: return describe_complex<float>(element);
    case DType::c128: return describe_complex<double>(element);
    case DType::bool_: {
        ValueText v = describe_integer<uint8_t>(element);
        v.decimal = v.decimal == "0" ? "false" : "true";
        return v;
    }
    case DType::i8: return describe_integer<int8_t>(element);
    case DType::i16: return describe_integer<int16_t>(element);
    case DType::i32: return describe_integer<int32_t>(element);
    case DType::i64: return describe_integer<int64_t>(element);
    case DType::u8: return describe_integer<uint8_t>(element);
    case DType::u16: return describe_integer<uint16_t>(element);
    case DType::u32: return describe_integer<uint32_t>(element);
    case DType::u64: return describe_integer<uint64_t>(element);
    case DType::bytes: return describe_integer<uint8_t>(element);
    }
    return {"?", "0x0"};
}

void compare_components_range(const Buffer& reference, const Buffer& other, std::size_t begin, std::size_t end,
                              DiffStats& s) {
    switch (reference.dtype()) {
    case DType::f16: compare_components<half_component, 1>(reference, other, begin, end, s); break;
    case DType::c64: compare_components<float_component<float>, 2>(reference, other, begin, end, s); break;
    case DType::c128: compare_components<float_component<double>, 2>(reference, other, begin, end, s); break;
    default: break;
    }
}

DiffStats describe_mismatch(DType reference, const std::vector<std::size_t>& reference_shape, DType other,
                            const std::vector<std::size_t>& other_shape) {
    DiffStats s;
    s.dtype = reference;
    s.raw_bytes = reference == DType::bytes && other == DType::bytes;
    s.identical = false;
    s.shape_mismatch = true;
    auto count = [](const std::vector<std::size_t>& shape) {
        std::size_t n = 1;
        for (std::size_t d : shape) n *= d;
        return n;
    };
    s.mismatch_detail = s.raw_bytes ? "sizes differ: " + std::to_string(count(reference_shape)) + " vs " +
                                          std::to_string(count(other_shape)) + " bytes"
                                    : shape_text(reference, reference_shape) + " vs " + shape_text(other, other_shape);
    return s;
}

DiffStats compare_buffers(const Buffer& reference, const Buffer& other) {
    if (reference.dtype() != other.dtype() || reference.shape() != other.shape())
        return describe_mismatch(reference.dtype(), reference.shape(), other.dtype(), other.shape());
    DiffStats s;
    s.dtype = reference.dtype();
    s.raw_bytes = reference.dtype() == DType::bytes;
    s.elements = reference.elements();
    compare_range(reference, other, 0, s.elements, s);
    s.identical = s.differing_elements == 0;
    return s;
}

void merge_diff(DiffStats& total, const DiffStats& next) {
    if (next.shape_mismatch && !total.shape_mismatch) {
        total.shape_mismatch = true;
        total.mismatch_detail = next.mismatch_detail;
    }
    total.identical = total.identical && next.identical;
    total.raw_bytes = total.raw_bytes || next.raw_bytes;
    // The worst run's counts, all from that one run, so that its histogram adds up.
    if (std::pair(next.nan_mismatches, next.differing_elements) > std::pair(total.nan_mismatches, total.differing_elements)) {
        total.elements = next.elements;
        total.differing_elements = next.differing_elements;
        total.nan_mismatches = next.nan_mismatches;
        total.ulp_histogram = next.ulp_histogram;
    }
    total.max_ulp = std::max(total.max_ulp, next.max_ulp);
    total.max_abs = std::max(total.max_abs, next.max_abs);
    total.max_rel = std::max(total.max_rel, next.max_rel);
    if (!total.first_difference && next.first_difference) total.first_difference = next.first_difference;
}

bool same_multiset(const Buffer& a, const Buffer& b) {
    if (a.dtype() != b.dtype() || a.elements() != b.elements()) return false;
    const std::size_t width = dtype_size(a.dtype()); // at most 16 bytes (c128)
    auto sorted_words = [&](const Buffer& buf) {
        std::vector<std::array<uint64_t, 2>> words(buf.elements());
        for (std::size_t i = 0; i < words.size(); ++i) {
            std::array<uint64_t, 2> w{};
            std::memcpy(w.data(), buf.data() + i * width, width);
            words[i] = w;
        }
        std::sort(words.begin(), words.end());
        return words;
    };
    return sorted_words(a) == sorted_words(b);
}

} // namespace detaudit
