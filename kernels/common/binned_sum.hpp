// The `reproducible` sum: an order-independent, mergeable accumulator (binned summation in the
// spirit of Demmel–Nguyen/ReproBLAS, with integer limbs). Every element is cut into pieces at fixed
// bit boundaries (bins of k_bin_bits bits of the absolute binary grid); the accumulator keeps
// integer sums of the pieces in the k_limbs highest bins reached so far. Integer addition is
// associative and each piece depends only on the element and the bin, so the result is the same
// bits for any order, any split into threads or blocks, and any merge order. It is the correctly
// rounded sum of the elements' bits that lie in the top k_limbs bins (at least 60 bits below
// the leading bit of the largest element); lower bits are dropped identically in every order. See docs/algorithms.md.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include "float_bits.hpp"
#include "host_device.hpp"

namespace detaudit::kernels {

// 128-bit integers (GCC/Clang and nvcc >= 11.5); __extension__ keeps -Wpedantic quiet.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// Pieces are below 2^30, so they convert to int32 (cvttps2dq / cvttpd2dq) and two of them add
// in int32 without overflow: the block loop widens to int64 once per pair of elements.
constexpr int k_bin_bits = 30;
constexpr int k_limbs = 3;
// Each limb gains less than 2^30 in magnitude per element: 2^32 deposits cannot overflow int64.
constexpr uint64_t k_binned_max_elements = uint64_t(1) << 32;

template <typename T> struct BinnedGrid {
    using Tr = FloatTraits<T>;
    // Bit position 0 is the least significant bit of the smallest subnormal.
    static constexpr int k_lsb_offset = Tr::k_exponent_bias - 1 + Tr::k_mantissa_bits;
    static constexpr int k_max_scale_exponent = Tr::k_exponent_bias; // 2^bias is finite
};

template <typename T> DETAUDIT_HD_HOT int bin_of_abs_bits(typename FloatTraits<T>::Bits abs_bits) {
    using Tr = FloatTraits<T>;
    int biased = static_cast<int>(abs_bits >> Tr::k_mantissa_bits);
    if (biased < 1) biased = 1;
    const int top_bit_position = biased - 1 + Tr::k_mantissa_bits;
    return top_bit_position / k_bin_bits;
}

template <typename T> struct BinnedAccumulator {
    int top_bin = -1;             // -1: nothing finite and non-zero deposited yet
    int64_t limb[k_limbs] = {0, 0, 0}; // limb[j] sums the pieces of bin top_bin - j
    bool has_nan = false, has_pos_inf = false, has_neg_inf = false;
};

template <typename T> DETAUDIT_HD_HOT void binned_raise_top(BinnedAccumulator<T>& acc, int new_top) {
    if (acc.top_bin < 0) {
        acc.top_bin = new_top;
        return;
    }
    const int shift = new_top - acc.top_bin;
    if (shift <= 0) return;
    // Pieces in bins that fall below the window are dropped: they would be dropped in any order.
    for (int j = k_limbs - 1; j >= 0; --j) acc.limb[j] = j >= shift ? acc.limb[j - shift] : 0;
    acc.top_bin = new_top;
}

// Scale that maps bin `top`'s bits onto [2^0, 2^30), as two factors (2^bias bounds one factor).
template <typename T> struct BinScale {
    T first, second;
    bool two_step;
};
template <typename T> DETAUDIT_HD_HOT BinScale<T> bin_scale(int top) {
    const int exponent = BinnedGrid<T>::k_lsb_offset - k_bin_bits * top;
    const int limit = BinnedGrid<T>::k_max_scale_exponent;
    if (exponent <= limit) return {std::ldexp(T(1), exponent), T(1), false};
    return {std::ldexp(T(1), limit), std::ldexp(T(1), exponent - limit), true};
}

// The three pieces of one finite element, scaled so bin `top` is [2^0, 2^30). Exact: y - trunc(y)
// and multiplications by powers of two are exact for |y| < 2^30 (tiny underflowing y are far
// below the window and contribute zero pieces either way).
template <typename T> DETAUDIT_HD_HOT void binned_pieces(T y, int32_t& p0, int32_t& p1, int32_t& p2) {
    constexpr T k_bin = T(1073741824.0); // 2^30
    p0 = static_cast<int32_t>(y);
    const T r1 = (y - static_cast<T>(p0)) * k_bin;
    p1 = static_cast<int32_t>(r1);
    const T r2 = (r1 - static_cast<T>(p1)) * k_bin;
    p2 = static_cast<int32_t>(r2);
}

template <typename T> DETAUDIT_HD void binned_note_special(BinnedAccumulator<T>& acc, T x) {
    if (x != x) acc.has_nan = true;
    else if (x > T(0)) acc.has_pos_inf = true;
    else acc.has_neg_inf = true;
}

// Deposits one element (the GPU path, and the CPU's rare path for blocks holding NaN or Inf).
template <typename T> DETAUDIT_HD void binned_deposit(BinnedAccumulator<T>& acc, T x) {
    using Tr = FloatTraits<T>;
    const auto abs_bits = to_bits(x) & Tr::k_abs_mask;
    if (abs_bits >= Tr::k_exp_mask) {
        binned_note_special(acc, x);
        return;
    }
    if (abs_bits == 0) return;
    binned_raise_top(acc, bin_of_abs_bits<T>(abs_bits));
    const BinScale<T> s = bin_scale<T>(acc.top_bin);
    T y = x * s.first;
    if (s.two_step) y *= s.second;
    int32_t p0, p1, p2;
    binned_pieces(y, p0, p1, p2);
    acc.limb[0] += p0;
    acc.limb[1] += p1;
    acc.limb[2] += p2;
}

// Deposits n finite elements whose largest magnitude has bits `max_abs_bits` (all loops are
// branch-free so the compiler vectorises them).
template <typename T>
DETAUDIT_HD_HOT void binned_deposit_finite_block(BinnedAccumulator<T>& acc, const T* x, std::size_t n,
                                             typename FloatTraits<T>::Bits max_abs_bits) {
    if (max_abs_bits == 0) return;
    binned_raise_top(acc, bin_of_abs_bits<T>(max_abs_bits));
    const BinScale<T> s = bin_scale<T>(acc.top_bin);
    int64_t l0 = 0, l1 = 0, l2 = 0;
    // Elements i and i + half are paired: their pieces (each below 2^30) add in int32, halving
    // the widening adds that dominate the loop.
    const std::size_t half = n / 2;
    const T* x_hi = x + half;
    if (!s.two_step) {
        for (std::size_t i = 0; i < half; ++i) {
            int32_t a0, a1, a2, b0, b1, b2;
            binned_pieces(x[i] * s.first, a0, a1, a2);
            binned_pieces(x_hi[i] * s.first, b0, b1, b2);
            l0 += a0 + b0;
            l1 += a1 + b1;
            l2 += a2 + b2;
        }
    } else {
        for (std::size_t i = 0; i < half; ++i) {
            int32_t a0, a1, a2, b0, b1, b2;
            binned_pieces((x[i] * s.first) * s.second, a0, a1, a2);
            binned_pieces((x_hi[i] * s.first) * s.second, b0, b1, b2);
            l0 += a0 + b0;
            l1 += a1 + b1;
            l2 += a2 + b2;
        }
    }
    for (std::size_t i = 2 * half; i < n; ++i) { // the odd element out
        int32_t p0, p1, p2;
        binned_pieces(s.two_step ? (x[i] * s.first) * s.second : x[i] * s.first, p0, p1, p2);
        l0 += p0;
        l1 += p1;
        l2 += p2;
    }
    acc.limb[0] += l0;
    acc.limb[1] += l1;
    acc.limb[2] += l2;
}

template <typename T>
DETAUDIT_HD void binned_merge(BinnedAccumulator<T>& into, const BinnedAccumulator<T>& from) {
    into.has_nan |= from.has_nan;
    into.has_pos_inf |= from.has_pos_inf;
    into.has_neg_inf |= from.has_neg_inf;
    if (from.top_bin < 0) return;
    BinnedAccumulator<T> aligned = from;
    if (into.top_bin > aligned.top_bin) binned_raise_top(aligned, into.top_bin);
    else binned_raise_top(into, aligned.top_bin);
    for (int j = 0; j < k_limbs; ++j) into.limb[j] += aligned.limb[j];
}

DETAUDIT_HD int leading_bit_u128(UInt128 v) {
    const auto hi = static_cast<uint64_t>(v >> 64);
    const auto lo = static_cast<uint64_t>(v);
#if defined(__CUDA_ARCH__)
    return hi ? 127 - __clzll(static_cast<long long>(hi)) : 63 - __clzll(static_cast<long long>(lo));
#else
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll(lo);
#endif
}

// value * 2^exponent rounded once to T (round to nearest, ties to even), subnormals included.
template <typename T> DETAUDIT_HD T round_scaled_int128(Int128 value, int exponent) {
    using Tr = FloatTraits<T>;
    if (value == 0) return T(0);
    const bool negative = value < 0;
    UInt128 mag = negative ? static_cast<UInt128>(-(value + 1)) + 1
                                     : static_cast<UInt128>(value);
    const int msb = leading_bit_u128(mag);
    const int min_lsb_exponent = 1 - Tr::k_exponent_bias - Tr::k_mantissa_bits;
    int lsb_exponent = msb + exponent - Tr::k_mantissa_bits;
    if (lsb_exponent < min_lsb_exponent) lsb_exponent = min_lsb_exponent;
    const int drop = lsb_exponent - exponent;
    if (drop > 0) {
        if (drop >= 128) return negative ? -T(0) : T(0);
        const UInt128 one = 1;
        const UInt128 rem = mag & ((one << drop) - 1);
        const UInt128 half = one << (drop - 1);
        mag >>= drop;
        if (rem > half || (rem == half && (mag & 1))) mag += 1;
    } else {
        lsb_exponent = exponent;
    }
    // mag now has at most mantissa+2 bits: the conversion is exact, ldexp rounds only on overflow.
    const T r = std::ldexp(static_cast<T>(static_cast<uint64_t>(mag)), lsb_exponent);
    return negative ? -r : r;
}

template <typename T> DETAUDIT_HD T binned_finalize(const BinnedAccumulator<T>& acc) {
    if (acc.has_nan || (acc.has_pos_inf && acc.has_neg_inf))
        return std::numeric_limits<T>::quiet_NaN();
    if (acc.has_pos_inf) return std::numeric_limits<T>::infinity();
    if (acc.has_neg_inf) return -std::numeric_limits<T>::infinity();
    if (acc.top_bin < 0) return T(0);
    // limb[j] counts units of 2^(k_bin_bits * (top - j) - lsb_offset); combine in units of the lowest.
    const Int128 bin = static_cast<Int128>(1) << k_bin_bits;
    const Int128 total = static_cast<Int128>(acc.limb[0]) * bin * bin +
                           static_cast<Int128>(acc.limb[1]) * bin + static_cast<Int128>(acc.limb[2]);
    const int unit_exponent = k_bin_bits * (acc.top_bin - (k_limbs - 1)) - BinnedGrid<T>::k_lsb_offset;
    return round_scaled_int128<T>(total, unit_exponent);
}

} // namespace detaudit::kernels
