// The `exact` sum: each thread adds its share into its own per-exponent integer accumulator
// (kernels/common/exact_sum.hpp); the accumulators merge by integer addition and the total is
// rounded once, so the result is the correctly rounded sum for any thread count and schedule.
//
// The CPU fast path (a block whose values all lie within a window of K pieces of 30 bits below
// its largest value's bin, the common case): every value is cut exactly into K integer pieces at
// fixed bit positions (as the `reproducible` sum does), summed per piece in int64 by a vectorised
// loop, and the K sums go into the buckets of their bit positions. A block where some value has
// bits below the K pieces (a span wider than the window), NaN, Inf or only zeros takes the
// element-wise bucket path instead. Both paths add the same integers, so the result is identical.
#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <omp.h>
#include "../common/exact_sum.hpp"
#include "binned_deposit_simd.hpp"
#include "reduce_cpu.hpp"
#include "vector_clones.hpp"

namespace detaudit::kernels {
namespace {

constexpr std::size_t k_exact_block = 2048;

// How values are cut: K pieces of `bits` bits, each converted to a `Piece` integer. 2048 pieces
// below 2^50 sum to less than 2^61, so the block sums fit int64 either way.
template <int K, int Bits, typename Piece> struct Cut {
    static constexpr int k_pieces = K;
    static constexpr int k_bits = Bits;
    using piece = Piece;
};
// f32: 24 significand bits + span in 90 bits. f64: 53 + span in 120 bits of int32 pieces, or in
// 150 bits of int64 pieces where the CPU converts doubles to int64 in one instruction
// (AVX-512DQ): three conversions per value instead of four, and no widening to int64.
using CutF32 = Cut<3, 30, int32_t>;
using CutF64 = Cut<4, 30, int32_t>;
using CutF64Wide = Cut<3, 50, int64_t>;

// Bit position (0 = the smallest subnormal's) of the last place of a value with these bits.
template <typename T> int ulp_position(typename FloatTraits<T>::Bits abs_bits) {
    const int biased = static_cast<int>(abs_bits >> FloatTraits<T>::k_mantissa_bits);
    return biased ? biased - 1 : 0;
}

// The top 31 bits of the largest magnitude's bits (sign dropped): they hold the exponent field,
// all the bin choice needs, and int32 maxima vectorise for both types.
template <typename T> int32_t max_magnitude_high(const T* x, std::size_t n) {
    constexpr int k_shift = 8 * sizeof(T) - 32;
    int32_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto high = static_cast<int32_t>(static_cast<uint32_t>(to_bits(x[i]) >> k_shift) & 0x7fffffffu);
        m = high > m ? high : m;
    }
    return m;
}

// Sums of the K pieces of x[i] * scale_a * scale_b (the value scaled so the top bin is
// [1, 2^bits)). Each step is exact: |y| < 2^bits, y - trunc(y) and products by 2^bits lose
// nothing. Returns whether some value had bits left below the K pieces (or was NaN, or underflowed
// to zero when scaled): then the block is summed element-wise instead. A scale of at least 1
// cannot take a non-zero value to zero, so only a scale below 1 (k_may_underflow) checks that;
// the second factor is 1 unless the scale is beyond the largest finite power of two (k_two_step).
template <typename T, typename C, bool k_two_step, bool k_may_underflow>
DETAUDIT_HD_HOT bool piece_sums(const T* x, std::size_t n, T scale_a, T scale_b, int64_t (&sums)[C::k_pieces]) {
    constexpr int K = C::k_pieces;
    const T k_bin = T(uint64_t(1) << C::k_bits);
    int64_t s[K] = {};
    int leftover = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const T scaled = k_two_step ? (x[i] * scale_a) * scale_b : x[i] * scale_a;
        T y = scaled, rest = scaled;
        for (int k = 0; k < K; ++k) {
            const auto p = static_cast<typename C::piece>(y);
            s[k] += p;
            rest = y - static_cast<T>(p);
            if (k + 1 < K) y = rest * k_bin;
        }
        leftover |= rest != T(0);
        if constexpr (k_may_underflow) leftover |= (scaled == T(0)) & (x[i] != T(0));
    }
    for (int k = 0; k < K; ++k) sums[k] = s[k];
    return leftover != 0;
}
template <typename T, typename C>
DETAUDIT_HD_HOT bool piece_sums(const T* x, std::size_t n, T scale_a, T scale_b, int64_t (&sums)[C::k_pieces]) {
    if (scale_b != T(1)) return piece_sums<T, C, true, true>(x, n, scale_a, scale_b, sums);
    return scale_a < T(1) ? piece_sums<T, C, false, true>(x, n, scale_a, scale_b, sums)
                          : piece_sums<T, C, false, false>(x, n, scale_a, scale_b, sums);
}
DETAUDIT_VECTOR_CLONES bool piece_sums_f32(const float* x, std::size_t n, float a, float b, int64_t (&s)[3]) {
    return piece_sums<float, CutF32>(x, n, a, b, s);
}
DETAUDIT_VECTOR_CLONES bool piece_sums_f64(const double* x, std::size_t n, double a, double b, int64_t (&s)[4]) {
    return piece_sums<double, CutF64>(x, n, a, b, s);
}
DETAUDIT_VECTOR_CLONES bool piece_sums_f64_wide(const double* x, std::size_t n, double a, double b, int64_t (&s)[3]) {
    return piece_sums<double, CutF64Wide>(x, n, a, b, s);
}
bool dispatch_piece_sums(CutF32, const float* x, std::size_t n, float a, float b, int64_t (&s)[3]) { return piece_sums_f32(x, n, a, b, s); }
bool dispatch_piece_sums(CutF64, const double* x, std::size_t n, double a, double b, int64_t (&s)[4]) { return piece_sums_f64(x, n, a, b, s); }
bool dispatch_piece_sums(CutF64Wide, const double* x, std::size_t n, double a, double b, int64_t (&s)[3]) { return piece_sums_f64_wide(x, n, a, b, s); }
DETAUDIT_VECTOR_CLONES int32_t max_magnitude_high_f32(const float* x, std::size_t n) { return max_magnitude_high(x, n); }
DETAUDIT_VECTOR_CLONES int32_t max_magnitude_high_f64(const double* x, std::size_t n) { return max_magnitude_high(x, n); }
int32_t dispatch_max_magnitude_high(const float* x, std::size_t n) { return max_magnitude_high_f32(x, n); }
int32_t dispatch_max_magnitude_high(const double* x, std::size_t n) { return max_magnitude_high_f64(x, n); }

template <typename T> void deposit_elementwise(ExactSum<T>& acc, const T* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) exact_deposit(acc, x[i]);
}

template <typename T, typename C> void deposit_block(ExactSum<T>& acc, const T* x, std::size_t n) {
    using Tr = FloatTraits<T>;
    constexpr int K = C::k_pieces;
    using Bits = typename Tr::Bits;
    const auto max_abs = static_cast<Bits>(static_cast<Bits>(dispatch_max_magnitude_high(x, n)) << (8 * sizeof(T) - 32));
    // NaN or Inf, or nothing above the lowest subnormals (zeros): the element-wise path.
    if (n == 0 || max_abs >= Tr::k_exp_mask || max_abs == 0) return deposit_elementwise(acc, x, n);
    const int top_bin = (ulp_position<T>(max_abs) + Tr::k_mantissa_bits) / C::k_bits;
    // Scale 2^(lsb_offset - bits * top_bin) maps bit position bits * top_bin to 2^0; two factors,
    // since it may exceed the largest finite power of two.
    const int exponent = (Tr::k_exponent_bias - 1 + Tr::k_mantissa_bits) - C::k_bits * top_bin;
    const int first = std::min(exponent, Tr::k_exponent_bias);
    int64_t sums[K];
    if (dispatch_piece_sums(C{}, x, n, std::ldexp(T(1), first), std::ldexp(T(1), exponent - first), sums))
        return deposit_elementwise(acc, x, n);
    for (int k = 0; k < K; ++k) {
        const int position = C::k_bits * (top_bin - k);
        if (sums[k] != 0) exact_add_integer(acc, sums[k], position); // sums[k] != 0 implies position >= 0
    }
    acc.has_term = true;
    acc.all_negative_zero = false;
}

void deposit_block(ExactSum<float>& acc, const float* x, std::size_t n) {
    deposit_block<float, CutF32>(acc, x, n);
}
void deposit_block(ExactSum<double>& acc, const double* x, std::size_t n) {
    if (simd::has_wide_conversion()) deposit_block<double, CutF64Wide>(acc, x, n);
    else deposit_block<double, CutF64>(acc, x, n);
}

} // namespace

template <typename T> T reduce_exact(const T* x, std::size_t n, const CpuSettings& settings) {
    auto total = std::make_unique<ExactSum<T>>();
    exact_clear(*total);
    std::mutex merge_lock;
    const std::size_t blocks = (n + k_exact_block - 1) / k_exact_block;
    apply_openmp_schedule(settings);
#pragma omp parallel num_threads(settings.threads)
    {
        auto mine = std::make_unique<ExactSum<T>>();
        exact_clear(*mine);
#pragma omp for schedule(runtime) nowait
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t begin = b * k_exact_block;
            deposit_block(*mine, x + begin, std::min(k_exact_block, n - begin));
        }
        // Integer addition: the merge order cannot change the total.
        std::lock_guard<std::mutex> guard(merge_lock);
        exact_merge(*total, *mine);
    }
    return exact_round<T>(*total);
}

template float reduce_exact<float>(const float*, std::size_t, const CpuSettings&);
template double reduce_exact<double>(const double*, std::size_t, const CpuSettings&);

} // namespace detaudit::kernels
