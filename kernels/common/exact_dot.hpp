// Exactly rounded dot products (the matmul accuracy reference): each product of two T is an
// exact integer (the product of the two significands, below 2^106) times a power of two, added
// to an ExactAccumulator spanning every such power; the total is rounded once to T.
#pragma once
#include <cstdint>
#include "exact_sum.hpp"
#include "float_bits.hpp"
#include "host_device.hpp"

namespace detaudit::kernels {

template <typename T> struct ExactDotLayout {
    using Tr = FloatTraits<T>;
    static constexpr int k_significand_bits = Tr::k_mantissa_bits + 1;
    static constexpr int k_factor_buckets = k_exponent_buckets<T>;
    // Bucket ia + ib (+ k_significand_bits for the high half of an f64 product).
    static constexpr int k_buckets = 2 * (k_factor_buckets - 1) + 1 + k_significand_bits;
    static constexpr int k_lsb_exponent = 2 * ExactSum<T>::k_lsb_exponent;
};

template <typename T> using ExactDot = ExactAccumulator<ExactDotLayout<T>::k_buckets, ExactDotLayout<T>::k_lsb_exponent>;

// The significand and bucket of a finite T (as exact_deposit computes them).
template <typename T> DETAUDIT_HD_HOT uint64_t exact_significand(T x, int& index) {
    using Tr = FloatTraits<T>;
    const auto abs_bits = to_bits(x) & Tr::k_abs_mask;
    const int biased = static_cast<int>(abs_bits >> Tr::k_mantissa_bits);
    const auto fraction = abs_bits & ((typename Tr::Bits(1) << Tr::k_mantissa_bits) - 1);
    index = biased ? biased - 1 : 0;
    return static_cast<uint64_t>(biased ? fraction | (typename Tr::Bits(1) << Tr::k_mantissa_bits) : fraction);
}

// Adds a * b exactly.
template <typename T> DETAUDIT_HD_HOT void exact_deposit_product(ExactDot<T>& acc, T a, T b) {
    using Tr = FloatTraits<T>;
    const auto abs_a = to_bits(a) & Tr::k_abs_mask, abs_b = to_bits(b) & Tr::k_abs_mask;
    const bool negative = ((to_bits(a) ^ to_bits(b)) & ~Tr::k_abs_mask) != 0;
    acc.has_term = true;
    if (abs_a >= Tr::k_exp_mask || abs_b >= Tr::k_exp_mask) { // inf * 0 and NaN give NaN
        acc.all_negative_zero = false;
        exact_note_special(acc, abs_a > Tr::k_exp_mask || abs_b > Tr::k_exp_mask || abs_a == 0 || abs_b == 0, negative);
        return;
    }
    acc.all_negative_zero = acc.all_negative_zero && negative && (abs_a == 0 || abs_b == 0);
    int ia, ib;
    const uint64_t ma = exact_significand(a, ia), mb = exact_significand(b, ib);
    if (ma == 0 || mb == 0) return;
    const UInt128 product = static_cast<UInt128>(ma) * mb;
    constexpr int k_half = ExactDotLayout<T>::k_significand_bits;
    const auto low = static_cast<int64_t>(product & ((UInt128(1) << k_half) - 1));
    const auto high = static_cast<int64_t>(product >> k_half);
    exact_add_integer(acc, negative ? -low : low, ia + ib);
    if (high != 0) exact_add_integer(acc, negative ? -high : high, ia + ib + k_half);
}

// sum over i < n of a[i * a_stride] * b[i * b_stride], rounded once; `acc` is reset first.
template <typename T>
DETAUDIT_HD T exact_dot(const T* a, uint64_t a_stride, const T* b, uint64_t b_stride, uint64_t n, ExactDot<T>& acc) {
    exact_reset(acc);
    for (uint64_t i = 0; i < n; ++i) exact_deposit_product(acc, a[i * a_stride], b[i * b_stride]);
    return exact_round<T>(acc);
}

} // namespace detaudit::kernels
