#include "range_stats.hpp"
#include <algorithm>
#include <cstring>

namespace detaudit {
namespace {

// Bytes compared with memcmp before looking at elements: identical stretches cost one pass, and
// the vectorised statistics see a differing chunk while it is in L1.
constexpr std::size_t k_scan_chunk_bytes = 16384;

std::size_t first_differing(const std::byte* a, const std::byte* b, std::size_t width,
                            std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
        if (std::memcmp(a + i * width, b + i * width, width) != 0) return i;
    return end;
}

template <typename T, typename Kernel>
void scan_chunks(const Buffer& ref, const Buffer& other, std::size_t begin, std::size_t end,
                 bool raw, DiffStats& s, Kernel&& kernel) {
    const T* a = ref.as<T>();
    const T* b = other.as<T>();
    RangeTotals t;
    // The maximum so far lets the float kernels skip divisions that cannot raise it; folding
    // takes maxima, so starting from it changes nothing else.
    t.max_rel = s.max_rel;
    const std::size_t chunk = k_scan_chunk_bytes / sizeof(T);
    for (std::size_t c = begin; c < end; c += chunk) {
        const std::size_t n = std::min(chunk, end - c);
        if (std::memcmp(a + c, b + c, n * sizeof(T)) == 0) continue;
        if (!s.first_difference) {
            const std::size_t i = first_differing(ref.data(), other.data(), sizeof(T), c, c + n);
            s.first_difference =
                FirstDifference{i, describe_value(ref.dtype(), ref.data() + i * sizeof(T)),
                                describe_value(ref.dtype(), other.data() + i * sizeof(T))};
        }
        kernel(a + c, b + c, n, t);
    }
    fold_range_totals(t, end - begin, raw, s);
}

template <typename T>
void scan_floats(const Buffer& ref, const Buffer& other, std::size_t begin, std::size_t end,
                 DiffStats& s) {
    scan_chunks<T>(ref, other, begin, end, false, s,
                   [](const T* a, const T* b, std::size_t n, RangeTotals& t) {
                       float_range_stats(a, b, n, t);
                   });
}

template <typename T>
void scan_integers(const Buffer& ref, const Buffer& other, std::size_t begin, std::size_t end,
                   IntegerKind kind, DiffStats& s) {
    scan_chunks<T>(ref, other, begin, end, kind == IntegerKind::raw, s,
                   [kind](const T* a, const T* b, std::size_t n, RangeTotals& t) {
                       integer_range_stats(a, b, n, kind, t);
                   });
}

} // namespace

void fold_range_totals(const RangeTotals& t, std::size_t elements, bool raw, DiffStats& s) {
    s.differing_elements += t.differing;
    s.nan_mismatches += t.nan_mismatches;
    if (raw) { // bytes have no histogram beyond "equal" (docs/algorithms.md)
        s.ulp_histogram[0] += elements - t.differing;
        return;
    }
    s.ulp_histogram[0] += elements - t.nan_mismatches - t.ge[0];
    for (std::size_t k = 1; k + 1 < k_ulp_buckets; ++k)
        s.ulp_histogram[k] += t.ge[k - 1] - t.ge[k];
    s.ulp_histogram[k_ulp_buckets - 1] += t.ge[k_ulp_buckets - 2];
    s.max_ulp = std::max(s.max_ulp, t.max_ulp);
    s.max_abs = std::max(s.max_abs, t.max_abs);
    s.max_rel = std::max(s.max_rel, t.max_rel);
}

void compare_range(const Buffer& reference, const Buffer& other, std::size_t begin, std::size_t end,
                   DiffStats& s) {
    switch (reference.dtype()) {
    case DType::f32:
        return scan_floats<float>(reference, other, begin, end, s);
    case DType::f64:
        return scan_floats<double>(reference, other, begin, end, s);
    case DType::f16:
    case DType::c64:
    case DType::c128:
        return compare_components_range(reference, other, begin, end, s);
    case DType::bool_:
        return scan_integers<uint8_t>(reference, other, begin, end, IntegerKind::truth, s);
    case DType::i8:
        return scan_integers<int8_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::i16:
        return scan_integers<int16_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::i32:
        return scan_integers<int32_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::i64:
        return scan_integers<int64_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::u8:
        return scan_integers<uint8_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::u16:
        return scan_integers<uint16_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::u32:
        return scan_integers<uint32_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::u64:
        return scan_integers<uint64_t>(reference, other, begin, end, IntegerKind::value, s);
    case DType::bytes:
        return scan_integers<uint8_t>(reference, other, begin, end, IntegerKind::raw, s);
    }
}

} // namespace detaudit
