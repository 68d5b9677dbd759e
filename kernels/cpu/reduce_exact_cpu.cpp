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
#include "reduce_cpu.hpp"
#include "vector_clones.hpp"

namespace detaudit::kernels {
namespace {

constexpr std::size_t k_exact_block = 2048;
constexpr int k_piece_bits = 30;
// f32: 24 significand bits + span in 90 bits; f64: 53 + span in 120 bits.
template <typename T> constexpr int k_pieces = sizeof(T) == 4 ? 3 : 4;

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

// Sums of the K pieces of x[i] * scale_a * scale_b (the value scaled so the top bin is [1, 2^30)).
// Each step is exact: |y| < 2^30, y - trunc(y) and products by 2^30 lose nothing. Returns
// whether some value had bits left below the K pieces (or was NaN, or underflowed to zero when
// scaled): then the block is summed element-wise instead.
template <typename T, int K> bool piece_sums(const T* x, std::size_t n, T scale_a, T scale_b, int64_t (&sums)[K]) {
    constexpr T k_bin = T(1073741824.0); // 2^30
    int64_t s[K] = {};
    int leftover = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const T scaled = (x[i] * scale_a) * scale_b;
        T y = scaled;
        for (int k = 0; k < K; ++k) {
            const auto p = static_cast<int32_t>(y);
            s[k] += p;
            y = (y - static_cast<T>(p)) * k_bin;
        }
        leftover |= (y != T(0)) | ((scaled == T(0)) & (x[i] != T(0)));
    }
    for (int k = 0; k < K; ++k) sums[k] = s[k];
    return leftover != 0;
}
DETAUDIT_VECTOR_CLONES bool piece_sums_f32(const float* x, std::size_t n, float a, float b, int64_t (&s)[3]) {
    return piece_sums<float, 3>(x, n, a, b, s);
}
DETAUDIT_VECTOR_CLONES bool piece_sums_f64(const double* x, std::size_t n, double a, double b, int64_t (&s)[4]) {
    return piece_sums<double, 4>(x, n, a, b, s);
}
bool dispatch_piece_sums(const float* x, std::size_t n, float a, float b, int64_t (&s)[3]) { return piece_sums_f32(x, n, a, b, s); }
bool dispatch_piece_sums(const double* x, std::size_t n, double a, double b, int64_t (&s)[4]) { return piece_sums_f64(x, n, a, b, s); }
DETAUDIT_VECTOR_CLONES int32_t max_magnitude_high_f32(const float* x, std::size_t n) { return max_magnitude_high(x, n); }
DETAUDIT_VECTOR_CLONES int32_t max_magnitude_high_f64(const double* x, std::size_t n) { return max_magnitude_high(x, n); }
int32_t dispatch_max_magnitude_high(const float* x, std::size_t n) { return max_magnitude_high_f32(x, n); }
int32_t dispatch_max_magnitude_high(const double* x, std::size_t n) { return max_magnitude_high_f64(x, n); }

template <typename T> void deposit_elementwise(ExactSum<T>& acc, const T* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) exact_deposit(acc, x[i]);
}

template <typename T> void deposit_block(ExactSum<T>& acc, const T* x, std::size_t n) {
    using Tr = FloatTraits<T>;
    constexpr int K = k_pieces<T>;
    using Bits = typename Tr::Bits;
    const auto max_abs = static_cast<Bits>(static_cast<Bits>(dispatch_max_magnitude_high(x, n)) << (8 * sizeof(T) - 32));
    // NaN or Inf, or nothing above the lowest subnormals (zeros): the element-wise path.
    if (n == 0 || max_abs >= Tr::k_exp_mask || max_abs == 0) return deposit_elementwise(acc, x, n);
    const int top_bin = (ulp_position<T>(max_abs) + Tr::k_mantissa_bits) / k_piece_bits;
    // Scale 2^(lsb_offset - 30 * top_bin) maps bit position 30 * top_bin to 2^0; two factors,
    // since it may exceed the largest finite power of two.
    const int exponent = (Tr::k_exponent_bias - 1 + Tr::k_mantissa_bits) - k_piece_bits * top_bin;
    const int first = std::min(exponent, Tr::k_exponent_bias);
    int64_t sums[K];
    if (dispatch_piece_sums(x, n, std::ldexp(T(1), first), std::ldexp(T(1), exponent - first), sums))
        return deposit_elementwise(acc, x, n);
    for (int k = 0; k < K; ++k) {
        const int position = k_piece_bits * (top_bin - k);
        if (sums[k] != 0) exact_add_integer(acc, sums[k], position); // sums[k] != 0 implies position >= 0
    }
    acc.has_term = true;
    acc.all_negative_zero = false;
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
