// Integers, bools and raw bytes at vector width, as float_range_stats.cpp does for floats: an
// equality test per 64-byte vector, then branch-free statistics eight elements at a time in
// 64-bit lanes (docs/algorithms.md: an integer's ULP distance is |a - b|, computed modulo 2^64
// exactly; a bool is its truth value; raw bytes only count which differ). Per-lane maxima and
// integer counts do not depend on the order, so the results equal the element-by-element ones.
#include <type_traits>
#include "kernels/cpu/vector_clones.hpp"
#include "lane_vectors.hpp"
#include "range_stats.hpp"

namespace detaudit {
namespace {

using lanes::larger;
using lanes::Vec;

constexpr uint64_t k_thresholds[k_ulp_buckets - 1] = {1, 2, 4, 16, 256, 65536};
constexpr std::size_t k_lanes = 8;
using VU64 = Vec<uint64_t, k_lanes>;
using VI64 = Vec<int64_t, k_lanes>;
using VD = Vec<double, k_lanes>;

struct IntegerLanes {
    VU64 differing{}, max_ulp{};
    VU64 ge[k_ulp_buckets - 1] = {};
    VD max_abs{}, max_rel{};
};

template <typename T, IntegerKind k_kind> DETAUDIT_LANES_INLINE void lane_stats(const T* a, const T* b, IntegerLanes& acc) {
    using Wide = std::conditional_t<std::is_signed_v<T>, VI64, VU64>;
    const auto va = lanes::load<Vec<T, k_lanes>>(a), vb = lanes::load<Vec<T, k_lanes>>(b);
    Wide x = __builtin_convertvector(va, Wide), y = __builtin_convertvector(vb, Wide);
    acc.differing -= reinterpret_cast<VU64>(x != y);
    if constexpr (k_kind == IntegerKind::truth) {
        x = reinterpret_cast<Wide>(reinterpret_cast<VU64>(x != 0) & 1);
        y = reinterpret_cast<Wide>(reinterpret_cast<VU64>(y != 0) & 1);
    }
    const VU64 down = reinterpret_cast<VU64>(x) - reinterpret_cast<VU64>(y);
    const VU64 diff = x > y ? down : -down; // modulo 2^64: exact also for i64 and u64
    for (std::size_t k = 0; k < k_ulp_buckets - 1; ++k) acc.ge[k] -= reinterpret_cast<VU64>(diff >= k_thresholds[k]);
    acc.max_ulp = larger(acc.max_ulp, diff);
    const VD zero{};
    const VD abs_diff = __builtin_convertvector(diff, VD);
    const VD dx = __builtin_convertvector(x, VD), dy = __builtin_convertvector(y, VD);
    const VD magnitude = larger(dx < zero ? -dx : dx, dy < zero ? -dy : dy);
    const VD quotient = abs_diff / magnitude;
    const auto nonzero = reinterpret_cast<VU64>(x | y) != 0; // magnitude 0: rel 0
    acc.max_abs = larger(acc.max_abs, abs_diff);
    acc.max_rel = larger(acc.max_rel, nonzero ? quotient : zero);
}

// Raw bytes: the number of non-zero bytes of each 64-bit word of a ^ b.
DETAUDIT_LANES_INLINE void count_differing_bytes(const uint8_t* a, const uint8_t* b, IntegerLanes& acc) {
    VU64 w = lanes::load<VU64>(a) ^ lanes::load<VU64>(b);
    w |= w >> 4;
    w |= w >> 2;
    w |= w >> 1;
    w &= 0x0101010101010101ull;
    acc.differing += (w * 0x0101010101010101ull) >> 56;
}

template <typename T, IntegerKind k_kind>
DETAUDIT_LANES_INLINE void block_stats(const T* a, const T* b, IntegerLanes& acc) {
    constexpr std::size_t per_block = 64 / sizeof(T);
    if constexpr (k_kind == IntegerKind::raw) {
        count_differing_bytes(a, b, acc);
    } else {
        for (std::size_t g = 0; g < per_block; g += k_lanes) lane_stats<T, k_kind>(a + g, b + g, acc);
    }
}

template <typename T, IntegerKind k_kind>
DETAUDIT_LANES_INLINE void range_stats(const T* a, const T* b, std::size_t n, RangeTotals& t) {
    constexpr std::size_t per_block = 64 / sizeof(T);
    IntegerLanes acc;
    std::size_t i = 0;
    for (; i + per_block <= n; i += per_block) {
        const VU64 x = lanes::load<VU64>(a + i), y = lanes::load<VU64>(b + i);
        if (lanes::any_nonzero(x ^ y)) block_stats<T, k_kind>(a + i, b + i, acc);
    }
    if (i < n) { // the tail, padded with equal elements (which add nothing)
        T x[per_block] = {}, y[per_block] = {};
        for (std::size_t j = i; j < n; ++j) {
            x[j - i] = a[j];
            y[j - i] = b[j];
        }
        block_stats<T, k_kind>(x, y, acc);
    }
    for (std::size_t l = 0; l < k_lanes; ++l) {
        t.differing += acc.differing[l];
        for (std::size_t k = 0; k < k_ulp_buckets - 1; ++k) t.ge[k] += acc.ge[k][l];
        t.max_ulp = t.max_ulp < acc.max_ulp[l] ? acc.max_ulp[l] : t.max_ulp;
        t.max_abs = t.max_abs < acc.max_abs[l] ? acc.max_abs[l] : t.max_abs;
        t.max_rel = t.max_rel < acc.max_rel[l] ? acc.max_rel[l] : t.max_rel;
    }
}

#define DETAUDIT_INTEGER_CLONE(T, NAME)                                                                      \
    DETAUDIT_VECTOR_CLONES void NAME##_value(const T* a, const T* b, std::size_t n, RangeTotals& t) {         \
        range_stats<T, IntegerKind::value>(a, b, n, t);                                                      \
    }                                                                                                        \
    void value_stats(const T* a, const T* b, std::size_t n, RangeTotals& t) { NAME##_value(a, b, n, t); }
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

} // namespace

template <typename T> void integer_range_stats(const T* a, const T* b, std::size_t n, IntegerKind kind, RangeTotals& t) {
    if constexpr (std::is_same_v<T, uint8_t>) {
        if (kind == IntegerKind::truth) return truth_stats(a, b, n, t);
        if (kind == IntegerKind::raw) return raw_stats(a, b, n, t);
    }
    value_stats(a, b, n, t);
}

#define DETAUDIT_INSTANTIATE(T) template void integer_range_stats<T>(const T*, const T*, std::size_t, IntegerKind, RangeTotals&);
DETAUDIT_INSTANTIATE(int8_t)
DETAUDIT_INSTANTIATE(int16_t)
DETAUDIT_INSTANTIATE(int32_t)
DETAUDIT_INSTANTIATE(int64_t)
DETAUDIT_INSTANTIATE(uint8_t)
DETAUDIT_INSTANTIATE(uint16_t)
DETAUDIT_INSTANTIATE(uint32_t)
DETAUDIT_INSTANTIATE(uint64_t)
#undef DETAUDIT_INSTANTIATE

} // namespace detaudit
