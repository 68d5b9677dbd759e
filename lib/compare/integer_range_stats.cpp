// Integers, bools and raw bytes at vector width, as float_range_stats.cpp does for floats: an
// equality test per 64-byte vector, then branch-free per-lane statistics (docs/algorithms.md: an
// integer's ULP distance is |a - b|, computed modulo 2^64 exactly; a bool is its truth value; raw
// bytes only count which differ). Per-lane maxima and integer counts do not depend on the order.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include "kernels/cpu/vector_clones.hpp"
#include "range_stats.hpp"

namespace detaudit {
namespace {

constexpr uint64_t k_thresholds[k_ulp_buckets - 1] = {1, 2, 4, 16, 256, 65536};

template <typename V> inline __attribute__((always_inline)) V larger(V a, V b) { return a < b ? b : a; }

template <typename T> struct IntegerLanes {
    static constexpr std::size_t k_lanes = 64 / sizeof(T);
    uint32_t differing[k_lanes] = {};
    uint32_t ge[k_ulp_buckets - 1][k_lanes] = {};
    uint64_t max_ulp[k_lanes] = {};
    double max_abs[k_lanes] = {}, max_rel[k_lanes] = {};
};

template <typename T, IntegerKind k_kind>
inline __attribute__((always_inline)) void vector_stats(const T* a, const T* b, IntegerLanes<T>& acc) {
    constexpr std::size_t L = IntegerLanes<T>::k_lanes;
    for (std::size_t l = 0; l < L; ++l) {
        acc.differing[l] += a[l] != b[l];
        if constexpr (k_kind != IntegerKind::raw) {
            T x = a[l], y = b[l];
            if constexpr (k_kind == IntegerKind::truth) {
                x = x != 0;
                y = y != 0;
            }
            const uint64_t diff = x > y ? static_cast<uint64_t>(x) - static_cast<uint64_t>(y)
                                        : static_cast<uint64_t>(y) - static_cast<uint64_t>(x);
            for (std::size_t k = 0; k < k_ulp_buckets - 1; ++k) acc.ge[k][l] += diff >= k_thresholds[k];
            acc.max_ulp[l] = larger(acc.max_ulp[l], diff);
            const double abs_diff = static_cast<double>(diff);
            const double dx = static_cast<double>(x), dy = static_cast<double>(y);
            const double magnitude = larger(__builtin_fabs(dx), __builtin_fabs(dy));
            const double quotient = abs_diff / magnitude;
            acc.max_abs[l] = larger(acc.max_abs[l], abs_diff);
            acc.max_rel[l] = larger(acc.max_rel[l], magnitude != 0 ? quotient : 0.0);
        }
    }
}

template <typename T, IntegerKind k_kind>
inline __attribute__((always_inline)) void range_stats(const T* a, const T* b, std::size_t n, RangeTotals& t) {
    constexpr std::size_t L = IntegerLanes<T>::k_lanes;
    using Bits = std::make_unsigned_t<T>;
    IntegerLanes<T> acc;
    T va[L], vb[L];
    std::size_t vectors = 0;
    auto fold = [&] {
        for (std::size_t l = 0; l < L; ++l) {
            t.differing += acc.differing[l];
            for (std::size_t k = 0; k < k_ulp_buckets - 1; ++k) t.ge[k] += acc.ge[k][l];
            t.max_ulp = std::max(t.max_ulp, acc.max_ulp[l]);
            t.max_abs = std::max(t.max_abs, acc.max_abs[l]);
            t.max_rel = std::max(t.max_rel, acc.max_rel[l]);
        }
        acc = IntegerLanes<T>{};
        vectors = 0;
    };
    std::size_t i = 0;
    for (; i + L <= n; i += L) {
        std::memcpy(va, a + i, sizeof va);
        std::memcpy(vb, b + i, sizeof vb);
        Bits any = 0;
        for (std::size_t l = 0; l < L; ++l) any |= static_cast<Bits>(va[l] ^ vb[l]);
        if (any == 0) continue;
        vector_stats<T, k_kind>(va, vb, acc);
        if (++vectors == (std::size_t(1) << 24)) fold();
    }
    if (i < n) { // the tail, padded with equal lanes (which add nothing)
        std::memset(va, 0, sizeof va);
        std::memset(vb, 0, sizeof vb);
        std::memcpy(va, a + i, (n - i) * sizeof(T));
        std::memcpy(vb, b + i, (n - i) * sizeof(T));
        vector_stats<T, k_kind>(va, vb, acc);
    }
    fold();
}

#define DETAUDIT_INTEGER_CLONE(T, NAME)                                                                      \
    DETAUDIT_VECTOR_CLONES void NAME##_value(const T* a, const T* b, std::size_t n, RangeTotals& t) {         \
        range_stats<T, IntegerKind::value>(a, b, n, t);                                                      \
    }
DETAUDIT_INTEGER_CLONE(int8_t, i8)
DETAUDIT_INTEGER_CLONE(int16_t, i16)
DETAUDIT_INTEGER_CLONE(int32_t, i32)
DETAUDIT_INTEGER_CLONE(int64_t, i64)
DETAUDIT_INTEGER_CLONE(uint8_t, u8)
DETAUDIT_INTEGER_CLONE(uint16_t, u16)
DETAUDIT_INTEGER_CLONE(uint32_t, u32)
DETAUDIT_INTEGER_CLONE(uint64_t, u64)
#undef DETAUDIT_INTEGER_CLONE

DETAUDIT_VECTOR_CLONES void truth_stats(const uint8_t* a, const uint8_t* b, std::size_t n, RangeTotals& t) {
    range_stats<uint8_t, IntegerKind::truth>(a, b, n, t);
}
DETAUDIT_VECTOR_CLONES void raw_stats(const uint8_t* a, const uint8_t* b, std::size_t n, RangeTotals& t) {
    range_stats<uint8_t, IntegerKind::raw>(a, b, n, t);
}

void value_stats(const int8_t* a, const int8_t* b, std::size_t n, RangeTotals& t) { i8_value(a, b, n, t); }
void value_stats(const int16_t* a, const int16_t* b, std::size_t n, RangeTotals& t) { i16_value(a, b, n, t); }
void value_stats(const int32_t* a, const int32_t* b, std::size_t n, RangeTotals& t) { i32_value(a, b, n, t); }
void value_stats(const int64_t* a, const int64_t* b, std::size_t n, RangeTotals& t) { i64_value(a, b, n, t); }
void value_stats(const uint8_t* a, const uint8_t* b, std::size_t n, RangeTotals& t) { u8_value(a, b, n, t); }
void value_stats(const uint16_t* a, const uint16_t* b, std::size_t n, RangeTotals& t) { u16_value(a, b, n, t); }
void value_stats(const uint32_t* a, const uint32_t* b, std::size_t n, RangeTotals& t) { u32_value(a, b, n, t); }
void value_stats(const uint64_t* a, const uint64_t* b, std::size_t n, RangeTotals& t) { u64_value(a, b, n, t); }

} // namespace

template <typename T> void integer_range_stats(const T* a, const T* b, std::size_t n, IntegerKind kind, RangeTotals& t) {
    if constexpr (std::is_same_v<T, uint8_t>) {
        if (kind == IntegerKind::truth) return truth_stats(a, b, n, t);
        if (kind == IntegerKind::raw) return raw_stats(a, b, n, t);
    }
    value_stats(a, b, n, t);
}

template void integer_range_stats<int8_t>(const int8_t*, const int8_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<int16_t>(const int16_t*, const int16_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<int32_t>(const int32_t*, const int32_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<int64_t>(const int64_t*, const int64_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<uint8_t>(const uint8_t*, const uint8_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<uint16_t>(const uint16_t*, const uint16_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<uint32_t>(const uint32_t*, const uint32_t*, std::size_t, IntegerKind, RangeTotals&);
template void integer_range_stats<uint64_t>(const uint64_t*, const uint64_t*, std::size_t, IntegerKind, RangeTotals&);

} // namespace detaudit
