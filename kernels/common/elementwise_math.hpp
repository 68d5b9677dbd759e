// The `elementwise` op's functions, one expression each, shared by the CPU and the GPU kernels so
// both evaluate the composite ones (rsqrt, sigmoid, gelu) in the same order with the same
// constants.
#pragma once
#include "host_device.hpp"
#include <cmath>

// The library functions (exp, log, ...) come from the platform's math library on each side
// (glibc on the host, CUDA's libdevice on the device: nvcc provides __host__ __device__ overloads
// of the std:: functions for float and double), so only the arithmetic written here is shared;
// which bits exp itself returns is the platform's business, and that is what the `libm` algorithm
// audits. For float, the std:: overloads call the float functions (expf, ...), never the double
// ones followed by a rounding. The host builds with -ffp-contract=off and nvcc's kernels with
// --fmad=false, so no multiply-add below is fused on either side.
namespace detaudit::kernels::elementwise_math {

template <typename T> DETAUDIT_HD_HOT T exp(T x) {
    return std::exp(x);
}
template <typename T> DETAUDIT_HD_HOT T log(T x) {
    return std::log(x);
}
template <typename T> DETAUDIT_HD_HOT T log1p(T x) {
    return std::log1p(x);
}
template <typename T> DETAUDIT_HD_HOT T expm1(T x) {
    return std::expm1(x);
}
template <typename T> DETAUDIT_HD_HOT T sin(T x) {
    return std::sin(x);
}
template <typename T> DETAUDIT_HD_HOT T cos(T x) {
    return std::cos(x);
}
template <typename T> DETAUDIT_HD_HOT T tan(T x) {
    return std::tan(x);
}
template <typename T> DETAUDIT_HD_HOT T tanh(T x) {
    return std::tanh(x);
}
template <typename T> DETAUDIT_HD_HOT T erf(T x) {
    return std::erf(x);
}
template <typename T> DETAUDIT_HD_HOT T pow(T x, T y) {
    return std::pow(x, y);
}
template <typename T> DETAUDIT_HD_HOT T sqrt(T x) {
    return std::sqrt(x);
}

// A correctly rounded sqrt followed by a correctly rounded division: two roundings, but the same
// two on every platform (a hardware reciprocal square root estimate, e.g. rsqrtss or CUDA's
// rsqrtf, is not IEEE and differs between chips).
template <typename T> DETAUDIT_HD_HOT T rsqrt(T x) {
    return T(1) / std::sqrt(x);
}

// 1 / (1 + e^-x): for large positive x, e^-x underflows towards 0 and the result rounds to 1;
// for large negative x, e^-x overflows to +inf and the result is +0, never NaN.
template <typename T> DETAUDIT_HD_HOT T sigmoid(T x) {
    return T(1) / (T(1) + std::exp(-x));
}

// The tanh approximation of GELU (Hendrycks and Gimpel; PyTorch's approximate="tanh"):
//   0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
// Every product and sum is its own statement, in this order, so no compiler may reassociate or
// fuse them differently on the two sides. The constants are literals converted to T (not computed
// in T); for these two, double then float rounding still gives the float nearest the exact value.
template <typename T> DETAUDIT_HD_HOT T gelu(T x) {
    const T k_sqrt_2_over_pi = T(0.79788456080286535587989211986876373); // sqrt(2 / pi)
    const T k_cubic = T(0.044715);
    const T k_half = T(0.5);
    const T x_squared = x * x;
    const T x_cubed = x_squared * x;
    const T cubic_term = k_cubic * x_cubed;
    const T polynomial = x + cubic_term;
    const T inner = k_sqrt_2_over_pi * polynomial;
    const T one_plus_tanh = T(1) + std::tanh(inner);
    const T half_x = k_half * x;
    return half_x * one_plus_tanh;
}

} // namespace detaudit::kernels::elementwise_math
