// f32 and f64 statistics at vector width W = DETAUDIT_FLOAT_STATS_BYTES (64, 32 or 16 bytes),
// included by float_stats_<isa>.cpp under its target. A range is cut into W-byte vectors; a
// vector whose bits all match costs one XOR and OR-fold, any other is evaluated branch-free in
// every lane, with per-lane maxima and counters, so nothing depends on the lane order (maxima of
// exact values and integer counts are associative): the results equal the element-by-element
// definition in docs/algorithms.md bit for bit, at every width. ULP distances and counts stay in
// lanes of the bits' width (a distance between two f32 keys is below 2^32); abs and rel are
// computed in f64 lanes, W/8 at a time, and the division is skipped where it cannot raise a
// lane's rel maximum (add_abs). Every helper is defined here, after the target is set, so that
// GCC lowers its vector types for this target; only builtins are called.
#pragma GCC diagnostic ignored "-Wpsabi" // no vector crosses a call: every helper is inlined
#if DETAUDIT_FLOAT_STATS_BYTES > 16
// GCC 12 sees the deliberately undefined pass-through operand of the AVX-512 conversion and
// extraction intrinsics as maybe uninitialized once they are inlined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h> // always-inline intrinsics only: nothing of it is emitted out of line
#endif

namespace detaudit::float_stats_isa {
namespace {

using kernels::FloatTraits;
#define DETAUDIT_BODY_INLINE inline __attribute__((always_inline))

constexpr std::size_t k_width = DETAUDIT_FLOAT_STATS_BYTES;
constexpr std::size_t k_doubles = k_width / 8;

template <typename E, std::size_t N> struct VectorOf {
    typedef E type __attribute__((vector_size(N * sizeof(E))));
};
template <typename E, std::size_t N> using Vec = typename VectorOf<E, N>::type;
using VD = Vec<double, k_doubles>;
using VI64 = Vec<int64_t, k_doubles>;
using VU64 = Vec<uint64_t, k_doubles>;

template <typename V> DETAUDIT_BODY_INLINE V load(const void* p) {
    V v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
// True when any bit of v is set: one vptestmq (AVX-512) or vptest (AVX2); SSE2 has no test, so
// halves are OR-folded down to one 64-bit word there.
template <typename V> DETAUDIT_BODY_INLINE bool any_nonzero(V v) {
    using W = Vec<uint64_t, sizeof(V) / 8>;
    const W w = reinterpret_cast<W>(v);
#if DETAUDIT_FLOAT_STATS_BYTES == 64
    static_assert(sizeof(V) == 64);
    return _mm512_test_epi64_mask(reinterpret_cast<__m512i>(w), reinterpret_cast<__m512i>(w)) != 0;
#elif DETAUDIT_FLOAT_STATS_BYTES == 32
    static_assert(sizeof(V) == 32);
    return !_mm256_testz_si256(reinterpret_cast<__m256i>(w), reinterpret_cast<__m256i>(w));
#else
    static_assert(sizeof(V) == 16);
    return (w[0] | w[1]) != 0;
#endif
}
template <typename V> DETAUDIT_BODY_INLINE V abs_of(V v) {
    return reinterpret_cast<V>(reinterpret_cast<Vec<uint64_t, sizeof(V) / 8>>(v) &
                               0x7fffffffffffffffull);
}
template <typename V> DETAUDIT_BODY_INLINE V larger(V a, V b) {
    return a < b ? b : a;
}

constexpr std::size_t k_thresholds_count = k_ulp_buckets - 1;
constexpr uint64_t k_thresholds[k_thresholds_count] = {1, 2, 4, 16, 256, 65536};
constexpr double k_largest = __DBL_MAX__;
constexpr double k_smallest_normal = __DBL_MIN__;
// Below 1 by more than two roundings: (m · k_shrink) · magnitude < m · magnitude exactly when
// both products are normal numbers (each rounding is off by at most 2^-53 relative).
constexpr double k_shrink = 1.0 - 0x1p-50;

// Per-lane maxima, and `limit`: max_rel · k_shrink where that is a normal number, else 0.
struct AbsRel {
    VD max_abs{}, max_rel{}, limit{};
    DETAUDIT_BODY_INLINE void set_max_rel(VD m) {
        max_rel = m;
        const VD shrunk = m * k_shrink;
        limit = shrunk >= k_smallest_normal ? shrunk : VD{};
    }
};

// abs and rel of W/8 f64 lanes. A lane counts where both values are ordered and unequal: that is
// where the bits differ and neither is NaN, except ±0 against ∓0, whose abs and rel are 0 and so
// never raise a maximum. rel only matters where it may exceed the lane's maximum m so far: when
// abs_diff <= bound = limit · magnitude and bound is a normal number, the exact quotient is below
// m (two roundings of at most 2^-53 each are less than k_shrink takes off), and so is its
// rounding. An infinite magnitude makes bound infinite, so it is never taken as bounded. Vectors
// where every lane is so bounded skip the division; the rest compute every lane. Every select
// takes a comparison as its condition, which GCC keeps in vector (mask) registers.
struct Half {
    VD dx, dy, abs_diff, magnitude;
};

// Adds the lanes' abs to max_abs; returns non-zero lanes where rel may raise max_rel.
DETAUDIT_BODY_INLINE VD add_abs(VD dx, VD dy, AbsRel& acc, Half& h) {
    const VD zero{}, one = zero + 1;
    h.dx = dx;
    h.dy = dy;
    h.abs_diff = abs_of(dx - dy);
    h.magnitude = larger(abs_of(dx), abs_of(dy));
    const VD counted_abs = dx < dy ? h.abs_diff : zero;
    acc.max_abs = larger(acc.max_abs, dx > dy ? h.abs_diff : counted_abs);
    const VD bound = acc.limit * h.magnitude;
    VD needed = h.abs_diff <= bound ? zero : one;
    needed = bound >= k_smallest_normal ? needed : one;
    needed = bound <= k_largest ? needed : one;
    const VD counted = dx < dy ? needed : zero;
    return dx > dy ? needed : counted;
}

DETAUDIT_BODY_INLINE void add_rel(const Half& h, AbsRel& acc) {
    const VD zero{}, inf = zero + __builtin_inf();
    const VD rel = k_largest < h.magnitude ? inf : h.abs_diff / h.magnitude;
    const VD counted = h.dx < h.dy ? rel : zero;
    acc.set_max_rel(larger(acc.max_rel, h.dx > h.dy ? rel : counted));
}

// Lane totals in L lanes of unsigned U, added to RangeTotals at the end of each part.
template <typename U, std::size_t L> struct Counters {
    using V = Vec<U, L>;
    V differing{}, nan_mismatch{}, max_ulp{};
    V ge[k_thresholds_count] = {};

    // `differ`, `nan_x`, `nan_y`: lane masks (all ones or zero); `ulp`: 0 outside valid lanes.
    DETAUDIT_BODY_INLINE void add(V differ, V nan_x, V nan_y, V ulp) {
        differing -= differ;
        nan_mismatch -= nan_x ^ nan_y;
        for (std::size_t k = 0; k < k_thresholds_count; ++k)
            ge[k] -= reinterpret_cast<V>(ulp >= static_cast<U>(k_thresholds[k]));
        max_ulp = larger(max_ulp, ulp);
    }
    DETAUDIT_BODY_INLINE void fold(RangeTotals& t) const {
        for (std::size_t l = 0; l < L; ++l) {
            t.differing += differing[l];
            t.nan_mismatches += nan_mismatch[l];
            for (std::size_t k = 0; k < k_thresholds_count; ++k)
                t.ge[k] += ge[k][l];
            t.max_ulp = t.max_ulp < max_ulp[l] ? max_ulp[l] : t.max_ulp;
        }
    }
};

template <typename T> struct FloatVector {
    using Bits = typename FloatTraits<T>::Bits;
    static constexpr std::size_t L = k_width / sizeof(T);
    static constexpr std::size_t halves = sizeof(T) == 4 ? 2 : 1;
    using VBits = Vec<Bits, L>;
    using VSigned = Vec<typename FloatTraits<T>::SignedBits, L>;
    Counters<Bits, L> counts;
    AbsRel abs_rel[halves];
};

// The monotonic key (-magnitude where the sign is set) in lanes of the bits' own width.
template <typename T, typename VBits> DETAUDIT_BODY_INLINE VBits key_of(VBits x) {
    using Tr = FloatTraits<T>;
    using VSigned = Vec<typename Tr::SignedBits, sizeof(VBits) / sizeof(typename Tr::Bits)>;
    const VSigned magnitude = reinterpret_cast<VSigned>(x & Tr::k_abs_mask);
    const VSigned sign = reinterpret_cast<VSigned>(x) >> (8 * sizeof(T) - 1);
    return reinterpret_cast<VBits>((magnitude ^ sign) - sign);
}

// Lanes [h·W/8, (h + 1)·W/8) of a vector: all of it for 64-bit lanes.
template <std::size_t h, typename V> DETAUDIT_BODY_INLINE auto half_of(V v) {
    if constexpr (sizeof(v[0]) == 8) {
        return v;
    } else if constexpr (k_doubles == 8) {
        constexpr int b = 8 * h;
        return __builtin_shufflevector(v, v, b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7);
    } else if constexpr (k_doubles == 4) {
        constexpr int b = 4 * h;
        return __builtin_shufflevector(v, v, b, b + 1, b + 2, b + 3);
    } else {
        constexpr int b = 2 * h;
        return __builtin_shufflevector(v, v, b, b + 1);
    }
}
#if DETAUDIT_FLOAT_STATS_BYTES == 64
// Under AVX-512 the f32 halves go straight to f64 (vcvtps2pd zmm) where GCC's
// generic lowering of the half shuffle goes through 128-bit pieces.
template <std::size_t h> DETAUDIT_BODY_INLINE __m256i upper_or_lower(__m512i v) {
    if constexpr (h == 0)
        return _mm512_castsi512_si256(v);
    else
        return _mm512_extracti64x4_epi64(v, 1);
}
#endif
template <typename T, std::size_t h, typename VBits> DETAUDIT_BODY_INLINE VD values_of(VBits x) {
    using VT = Vec<T, sizeof(VBits) / sizeof(T)>;
#if DETAUDIT_FLOAT_STATS_BYTES == 64
    if constexpr (sizeof(T) == 4)
        return reinterpret_cast<VD>(
            _mm512_cvtps_pd(_mm256_castsi256_ps(upper_or_lower<h>(reinterpret_cast<__m512i>(x)))));
#endif
    return __builtin_convertvector(half_of<h>(reinterpret_cast<VT>(x)), VD);
}

template <typename T>
DETAUDIT_BODY_INLINE void vector_stats(typename FloatVector<T>::VBits x,
                                       typename FloatVector<T>::VBits y, FloatVector<T>& acc) {
    using F = FloatVector<T>;
    using Tr = FloatTraits<T>;
    using VBits = typename F::VBits;
    using VSigned = typename F::VSigned;
    const VSigned differ = x != y;
    const VSigned nan_x = (x & Tr::k_abs_mask) > Tr::k_exp_mask;
    const VSigned nan_y = (y & Tr::k_abs_mask) > Tr::k_exp_mask;
    const VSigned valid = differ & ~nan_x & ~nan_y;
    const VBits kx = key_of<T>(x), ky = key_of<T>(y);
    const VBits down = kx - ky;
    const VBits ulp =
        (reinterpret_cast<VSigned>(kx) >= reinterpret_cast<VSigned>(ky) ? down : -down) &
        reinterpret_cast<VBits>(valid);
    acc.counts.add(reinterpret_cast<VBits>(differ), reinterpret_cast<VBits>(nan_x),
                   reinterpret_cast<VBits>(nan_y), ulp);
    Half h[F::halves];
    VD needed = add_abs(values_of<T, 0>(x), values_of<T, 0>(y), acc.abs_rel[0], h[0]);
    if constexpr (F::halves == 2)
        needed += add_abs(values_of<T, 1>(x), values_of<T, 1>(y), acc.abs_rel[1], h[1]);
    if (!any_nonzero(needed)) return;
    for (std::size_t i = 0; i < F::halves; ++i)
        add_rel(h[i], acc.abs_rel[i]);
}

// Lane counters of 32 bits could wrap after 2^32 vectors: ranges are folded well before that.
constexpr std::size_t k_fold_elements = std::size_t(1) << 30;

template <typename T> void part_stats(const T* a, const T* b, std::size_t n, RangeTotals& t) {
    using F = FloatVector<T>;
    constexpr std::size_t L = F::L;
    F acc;
    for (AbsRel& half : acc.abs_rel) // a known maximum spares the divisions below it
        half.set_max_rel(VD{} + t.max_rel);
    std::size_t i = 0;
    for (; i + L <= n; i += L) {
        const auto x = load<typename F::VBits>(a + i), y = load<typename F::VBits>(b + i);
        if (any_nonzero(x ^ y)) vector_stats<T>(x, y, acc);
    }
    if (i < n) { // the tail, padded with equal lanes (which add nothing)
        typename F::VBits x{}, y{};
        __builtin_memcpy(&x, a + i, (n - i) * sizeof(T));
        __builtin_memcpy(&y, b + i, (n - i) * sizeof(T));
        vector_stats<T>(x, y, acc);
    }
    acc.counts.fold(t);
    for (const AbsRel& half : acc.abs_rel)
        for (std::size_t l = 0; l < k_doubles; ++l) {
            t.max_abs = t.max_abs < half.max_abs[l] ? half.max_abs[l] : t.max_abs;
            t.max_rel = t.max_rel < half.max_rel[l] ? half.max_rel[l] : t.max_rel;
        }
}

template <typename T> void range_stats(const T* a, const T* b, std::size_t n, RangeTotals& t) {
    for (std::size_t at = 0; at < n; at += k_fold_elements)
        part_stats(a + at, b + at, n - at < k_fold_elements ? n - at : k_fold_elements, t);
}

void f32_stats(const float* a, const float* b, std::size_t n, RangeTotals& t) {
    range_stats(a, b, n, t);
}
void f64_stats(const double* a, const double* b, std::size_t n, RangeTotals& t) {
    range_stats(a, b, n, t);
}

#undef DETAUDIT_BODY_INLINE
} // namespace

Ops DETAUDIT_FLOAT_STATS_OPS() {
    return {f32_stats, f64_stats};
}

} // namespace detaudit::float_stats_isa
