// IEEE-754 bit views shared by comparison code and kernels: bit casts and the monotonic
// integer mapping used for ULP distances (numpy nulp_diff, Dawson).
#pragma once
#include <cstdint>
#include <cstring>
#include "host_device.hpp"

namespace detaudit::kernels {

template <typename T> struct FloatTraits;
template <> struct FloatTraits<float> {
    using Bits = uint32_t;
    using SignedBits = int32_t;
    static constexpr int k_mantissa_bits = 23;
    static constexpr int k_exponent_bias = 127;
    static constexpr Bits k_abs_mask = 0x7fffffffu;
    static constexpr Bits k_exp_mask = 0x7f800000u;
};
template <> struct FloatTraits<double> {
    using Bits = uint64_t;
    using SignedBits = int64_t;
    static constexpr int k_mantissa_bits = 52;
    static constexpr int k_exponent_bias = 1023;
    static constexpr Bits k_abs_mask = 0x7fffffffffffffffull;
    static constexpr Bits k_exp_mask = 0x7ff0000000000000ull;
};

template <typename T> DETAUDIT_HD_HOT typename FloatTraits<T>::Bits to_bits(T x) {
    typename FloatTraits<T>::Bits b;
    std::memcpy(&b, &x, sizeof b);
    return b;
}
template <typename T> DETAUDIT_HD T from_bits(typename FloatTraits<T>::Bits b) {
    T x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

template <typename T> DETAUDIT_HD bool is_nan_bits(typename FloatTraits<T>::Bits b) {
    using Tr = FloatTraits<T>;
    return (b & Tr::k_abs_mask) > Tr::k_exp_mask;
}

// Maps bits to a signed integer that orders like the floats; +0 and -0 both map to 0.
template <typename T> DETAUDIT_HD int64_t monotonic_key(typename FloatTraits<T>::Bits b) {
    using Tr = FloatTraits<T>;
    const auto magnitude = static_cast<int64_t>(b & Tr::k_abs_mask);
    const bool negative = (b & ~Tr::k_abs_mask) != 0;
    return negative ? -magnitude : magnitude;
}

// ULP distance of two non-NaN values. The true distance is below 2^64, so unsigned wraparound
// of the subtraction gives it exactly.
template <typename T> DETAUDIT_HD uint64_t ulp_distance(T a, T b) {
    const int64_t ka = monotonic_key<T>(to_bits(a));
    const int64_t kb = monotonic_key<T>(to_bits(b));
    return ka >= kb ? static_cast<uint64_t>(ka) - static_cast<uint64_t>(kb)
                    : static_cast<uint64_t>(kb) - static_cast<uint64_t>(ka);
}

} // namespace detaudit::kernels
