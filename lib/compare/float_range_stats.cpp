// f32 and f64 statistics at vector width. A range is cut into 64-byte vectors; a vector whose
// bits all match costs one XOR and OR-fold, any other is evaluated branch-free in every lane, with
// per-lane maxima and counters, so nothing depends on the lane order (maxima of exact values and
// integer counts are associative): the results equal the element-by-element definition in
// docs/algorithms.md bit for bit. Every value is computed in every lane and then selected.
#include <algorithm>
#include <limits>
#include "kernels/common/float_bits.hpp"
#include "kernels/cpu/vector_clones.hpp"
#include "lane_vectors.hpp"
#include "range_stats.hpp"

namespace detaudit {
namespace {

using kernels::FloatTraits;
using lanes::larger;
using lanes::Vec;

template <typename T> struct FloatLanes {
    using Bits = typename FloatTraits<T>::Bits;
    // Eight lanes: the 64-bit statistics of eight elements fill one 64-byte vector.
    static constexpr std::size_t L = 8;
    using VBits = Vec<Bits, L>;
    using VSigned = Vec<std::make_signed_t<Bits>, L>;
    using VI64 = Vec<int64_t, L>;
    using VU64 = Vec<uint64_t, L>;
    using VF = Vec<T, L>;
    using VD = Vec<double, L>;
    VU64 differing{}, nan_mismatch{}, max_ulp{};
    VU64 ge[k_ulp_buckets - 1] = {};
    VD max_abs{}, max_rel{};
};

constexpr uint64_t k_thresholds[k_ulp_buckets - 1] = {1, 2, 4, 16, 256, 65536};

template <typename T> DETAUDIT_LANES_INLINE typename FloatLanes<T>::VI64 key_of(typename FloatLanes<T>::VBits x) {
    using F = FloatLanes<T>;
    using Tr = FloatTraits<T>;
    const auto magnitude = __builtin_convertvector(x & Tr::k_abs_mask, typename F::VI64);
    // The sign bit spread over the lane (arithmetic shift), widened: -1 for negatives, else 0.
    const auto sign = __builtin_convertvector(reinterpret_cast<typename F::VSigned>(x) >> (8 * sizeof(T) - 1),
                                              typename F::VI64);
    return (magnitude ^ sign) - sign; // -magnitude where negative: the monotonic key
}

template <typename T>
DETAUDIT_LANES_INLINE void vector_stats(typename FloatLanes<T>::VBits x, typename FloatLanes<T>::VBits y,
                                        FloatLanes<T>& acc) {
    using F = FloatLanes<T>;
    using Tr = FloatTraits<T>;
    using VI64 = typename F::VI64;
    using VU64 = typename F::VU64;
    using VD = typename F::VD;
    const auto differ = __builtin_convertvector(x != y, VI64); // -1 or 0 per lane
    const auto nan_x = __builtin_convertvector((x & Tr::k_abs_mask) > Tr::k_exp_mask, VI64);
    const auto nan_y = __builtin_convertvector((y & Tr::k_abs_mask) > Tr::k_exp_mask, VI64);
    const VU64 valid = reinterpret_cast<VU64>(differ) & ~reinterpret_cast<VU64>(nan_x) &
                       ~reinterpret_cast<VU64>(nan_y);
    const VI64 kx = key_of<T>(x), ky = key_of<T>(y);
    const VU64 down = reinterpret_cast<VU64>(kx) - reinterpret_cast<VU64>(ky);
    const VU64 ulp = (kx >= ky ? down : -down) & valid;
    acc.differing -= reinterpret_cast<VU64>(differ);
    acc.nan_mismatch -= reinterpret_cast<VU64>(nan_x) ^ reinterpret_cast<VU64>(nan_y);
    for (std::size_t k = 0; k < k_ulp_buckets - 1; ++k)
        acc.ge[k] -= reinterpret_cast<VU64>(ulp >= k_thresholds[k]);
    acc.max_ulp = larger(acc.max_ulp, ulp);
    const VD dx = __builtin_convertvector(reinterpret_cast<typename F::VF>(x), VD);
    const VD dy = __builtin_convertvector(reinterpret_cast<typename F::VF>(y), VD);
    const VD abs_diff = dx - dy < 0 ? dy - dx : dx - dy;
    const VD ax = dx < 0 ? -dx : dx, ay = dy < 0 ? -dy : dy;
    const VD magnitude = larger(ax, ay);
    const VD quotient = abs_diff / magnitude;
    const VD zero{}, inf = zero + std::numeric_limits<double>::infinity();
    // magnitude == 0 → 0; infinite → inf (ordered comparisons: magnitude is never NaN in a valid lane).
    const VD largest = zero + std::numeric_limits<double>::max();
    const VD rel = largest < magnitude ? inf : quotient; // infinite magnitude: inf
    // A zero magnitude (both ±0) has rel 0, as have lanes without a valid distance.
    const auto nonzero = __builtin_convertvector(((x | y) & Tr::k_abs_mask) != 0, VI64);
    const auto valid_mask = reinterpret_cast<VI64>(valid) != 0;
    const auto rel_mask = reinterpret_cast<VI64>(valid & reinterpret_cast<VU64>(nonzero)) != 0;
    acc.max_abs = larger(acc.max_abs, valid_mask ? abs_diff : zero);
    acc.max_rel = larger(acc.max_rel, rel_mask ? rel : zero);
}

template <typename T> DETAUDIT_LANES_INLINE void range_stats(const T* a, const T* b, std::size_t n, RangeTotals& t) {
    using F = FloatLanes<T>;
    constexpr std::size_t L = F::L;
    F acc;
    std::size_t i = 0;
    for (; i + L <= n; i += L) {
        const auto x = lanes::load<typename F::VBits>(a + i), y = lanes::load<typename F::VBits>(b + i);
        if (lanes::any_nonzero(x ^ y)) vector_stats<T>(x, y, acc);
    }
    if (i < n) { // the tail, padded with equal lanes (which add nothing)
        typename F::VBits x{}, y{};
        std::memcpy(&x, a + i, (n - i) * sizeof(T));
        std::memcpy(&y, b + i, (n - i) * sizeof(T));
        vector_stats<T>(x, y, acc);
    }
    for (std::size_t l = 0; l < L; ++l) {
        t.differing += acc.differing[l];
        t.nan_mismatches += acc.nan_mismatch[l];
        for (std::size_t k = 0; k < k_ulp_buckets - 1; ++k) t.ge[k] += acc.ge[k][l];
        t.max_ulp = t.max_ulp < acc.max_ulp[l] ? acc.max_ulp[l] : t.max_ulp;
        t.max_abs = t.max_abs < acc.max_abs[l] ? acc.max_abs[l] : t.max_abs;
        t.max_rel = t.max_rel < acc.max_rel[l] ? acc.max_rel[l] : t.max_rel;
    }
}

DETAUDIT_VECTOR_CLONES void f32_range_stats(const float* a, const float* b, std::size_t n, RangeTotals& t) {
    range_stats(a, b, n, t);
}
DETAUDIT_VECTOR_CLONES void f64_range_stats(const double* a, const double* b, std::size_t n, RangeTotals& t) {
    range_stats(a, b, n, t);
}

} // namespace

void float_range_stats(const float* a, const float* b, std::size_t n, RangeTotals& t) { f32_range_stats(a, b, n, t); }
void float_range_stats(const double* a, const double* b, std::size_t n, RangeTotals& t) { f64_range_stats(a, b, n, t); }

} // namespace detaudit
