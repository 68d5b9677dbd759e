// The matmul algorithms: blocked gives naive's bits for every size and thread count, naive and
// blas are within the dot-product error bound of a wider reference, splitk_atomic is seen to vary.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>
#include "kernels/common/float_bits.hpp"
#include "kernels/cpu/matmul_cpu.hpp"

using namespace detaudit::kernels;

namespace {

struct Shape {
    std::size_t m, n, k;
};

// Cover the blocking's edges in every dimension: 1×1×1, sizes below one micro-tile (8 × 32/16),
// ragged micro-tiles, exact multiples, and sizes crossing the cache tiles (128 rows, 256 columns,
// 256 of k) by a ragged amount.
const std::vector<Shape> k_shapes = {
    {1, 1, 1},    {17, 33, 65}, {64, 64, 64},  {31, 47, 129},  {100, 3, 7},     {3, 100, 1},
    {8, 32, 256}, {9, 31, 257}, {129, 15, 40}, {12, 257, 300}, {136, 264, 513},
};

const std::vector<CpuSettings> k_settings = {{1, CpuSchedule::static_},
                                             {2, CpuSchedule::static_},
                                             {3, CpuSchedule::dynamic},
                                             {8, CpuSchedule::guided}};

// uniform(-1, 1), or with mixed_magnitudes each value also scaled by 2^e, e in [-20, 20], so
// products of very different sizes meet in one chain and most fma steps round.
template <typename T>
std::vector<T> random_matrix(std::size_t count, unsigned seed, bool mixed_magnitudes) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<T> value(T(-1), T(1));
    std::uniform_int_distribution<int> exponent(-20, 20);
    std::vector<T> x(count);
    for (T& v : x)
        v = mixed_magnitudes ? std::ldexp(value(gen), exponent(gen)) : value(gen);
    return x;
}

template <typename T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

template <typename T>
std::size_t first_difference(const std::vector<T>& a, const std::vector<T>& b) {
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_bits(a[i]) != to_bits(b[i])) return i;
    return a.size();
}

// Reference products in a wider type (double for f32: float products are exact in double;
// long double for f64) and the matching Σ_p |A[i,p]|·|B[p,j]| for the error bound.
template <typename T> struct Reference {
    using Wide = std::conditional_t<sizeof(T) == 4, double, long double>;
    std::vector<Wide> value, magnitude;
};

template <typename T>
Reference<T> reference_product(const std::vector<T>& a, const std::vector<T>& b, const Shape& s) {
    using Wide = typename Reference<T>::Wide;
    Reference<T> ref;
    ref.value.assign(s.m * s.n, 0);
    ref.magnitude.assign(s.m * s.n, 0);
    for (std::size_t i = 0; i < s.m; ++i)
        for (std::size_t j = 0; j < s.n; ++j) {
            Wide sum = 0, mag = 0;
            for (std::size_t p = 0; p < s.k; ++p) {
                const Wide prod =
                    static_cast<Wide>(a[i * s.k + p]) * static_cast<Wide>(b[p * s.n + j]);
                sum += prod;
                mag += std::fabs(prod);
            }
            ref.value[i * s.n + j] = sum;
            ref.magnitude[i * s.n + j] = mag;
        }
    return ref;
}

// The error bound checked against the reference: |C[i,j] − exact| ≤ depth · ε · Σ_p |A[i,p]·B[p,j]|
// with ε = numeric_limits<T>::epsilon() = 2u. Higham (Accuracy and Stability, §3.1) bounds any
// summation order of a k-term dot product by γ_k·Σ|a·b| with γ_k = k·u/(1 − k·u) < 2·k·u for
// k·u < 1/2; depth is the longest chain of roundings (k for naive and blas, k + threads for
// split-k's extra additions). The factor 2 over γ_k also absorbs the reference's own error,
// at most k·2^-53 (f32 via double) or k·2^-64 (f64 via long double) relative to Σ|a·b|.
template <typename T>
void check_within_bound(const std::vector<T>& c, const Reference<T>& ref, double depth,
                        const char* what) {
    const long double eps = std::numeric_limits<T>::epsilon();
    std::size_t worst = 0;
    long double worst_ratio = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const long double err =
            std::fabs(static_cast<long double>(c[i]) - static_cast<long double>(ref.value[i]));
        const long double bound =
            static_cast<long double>(depth) * eps * static_cast<long double>(ref.magnitude[i]);
        const long double ratio = bound > 0 ? err / bound : (err > 0 ? 2 : 0);
        if (ratio > worst_ratio) {
            worst_ratio = ratio;
            worst = i;
        }
    }
    INFO(what << ": worst element " << worst << " uses " << static_cast<double>(worst_ratio)
              << " of the bound");
    CHECK(worst_ratio <= 1);
}

template <typename T> void check_blocked_equals_naive(bool mixed) {
    unsigned seed = mixed ? 100 : 1;
    for (const Shape& s : k_shapes) {
        const auto a = random_matrix<T>(s.m * s.k, seed++, mixed);
        const auto b = random_matrix<T>(s.k * s.n, seed++, mixed);
        std::vector<T> naive(s.m * s.n), blocked(s.m * s.n);
        matmul_naive(a.data(), b.data(), naive.data(), s.m, s.n, s.k);
        for (const CpuSettings& settings : k_settings) {
            std::fill(blocked.begin(), blocked.end(), std::numeric_limits<T>::quiet_NaN());
            matmul_blocked(a.data(), b.data(), blocked.data(), s.m, s.n, s.k, settings);
            INFO(s.m << "x" << s.n << "x" << s.k << " threads=" << settings.threads
                     << " first difference at " << first_difference(naive, blocked));
            CHECK(same_bits(naive, blocked));
        }
    }
}

} // namespace

TEST_CASE("naive is the fma chain from +0 (known answers)") {
    // fma(-1, 0, +0) = +0: the chain starts at +0, so an exact -0 product does not survive.
    const float a1 = -1.0f, b1 = 0.0f;
    float c1 = -1.0f;
    matmul_naive(&a1, &b1, &c1, 1, 1, 1);
    CHECK(to_bits(c1) == to_bits(0.0f));
    float c1_blocked = -1.0f;
    matmul_blocked(&a1, &b1, &c1_blocked, 1, 1, 1, CpuSettings{2});
    CHECK(to_bits(c1_blocked) == to_bits(0.0f));

    const std::vector<double> a = {1, 2, 3, 4, 5, 6};    // 2×3
    const std::vector<double> b = {7, 8, 9, 10, 11, 12}; // 3×2
    std::vector<double> c(4);
    matmul_naive(a.data(), b.data(), c.data(), 2, 2, 3);
    CHECK(c == std::vector<double>{58, 64, 139, 154});

    // One fused step, not a rounded product then a sum: (1 + 2^-23)(1 − 2^-23) = 1 − 2^-46 exactly,
    // which an unfused float product rounds to 1 (giving 0 after adding -1); fma keeps -2^-46.
    const std::vector<float> x = {-1.0f, 1.0f + 0x1p-23f}; // 1×2
    const std::vector<float> y = {1.0f, 1.0f - 0x1p-23f};  // 2×1
    float z = 0;
    matmul_naive(x.data(), y.data(), &z, 1, 1, 2);
    CHECK(z == -0x1p-46f);
    matmul_blocked(x.data(), y.data(), &z, 1, 1, 2, CpuSettings{1});
    CHECK(z == -0x1p-46f);
}

TEST_CASE("blocked gives naive's bits for every shape, dtype and thread count") {
    SECTION("f32 uniform") {
        check_blocked_equals_naive<float>(false);
    }
    SECTION("f32 mixed magnitudes") {
        check_blocked_equals_naive<float>(true);
    }
    SECTION("f64 uniform") {
        check_blocked_equals_naive<double>(false);
    }
    SECTION("f64 mixed magnitudes") {
        check_blocked_equals_naive<double>(true);
    }
}

TEST_CASE("naive is within the dot-product error bound of a wider reference, and does round") {
    for (bool mixed : {false, true}) {
        const Shape s{37, 29, 1000};
        const auto a = random_matrix<float>(s.m * s.k, 7, mixed),
                   b = random_matrix<float>(s.k * s.n, 8, mixed);
        std::vector<float> c(s.m * s.n);
        matmul_naive(a.data(), b.data(), c.data(), s.m, s.n, s.k);
        const Reference<float> ref = reference_product(a, b, s);
        check_within_bound(c, ref, static_cast<double>(s.k), "naive f32");
        // The bound is not met trivially: the chain's roundings show against the reference.
        std::size_t rounded = 0;
        for (std::size_t i = 0; i < c.size(); ++i)
            rounded += static_cast<double>(c[i]) != ref.value[i];
        CHECK(rounded > c.size() / 2);

        const auto ad = random_matrix<double>(s.m * s.k, 9, mixed),
                   bd = random_matrix<double>(s.k * s.n, 10, mixed);
        std::vector<double> cd(s.m * s.n);
        matmul_naive(ad.data(), bd.data(), cd.data(), s.m, s.n, s.k);
        check_within_bound(cd, reference_product(ad, bd, s), static_cast<double>(s.k), "naive f64");
    }
}

TEST_CASE("blas: identical run to run for a fixed thread count, close to the reference") {
    const Shape s{150, 130, 700};
    const auto a = random_matrix<float>(s.m * s.k, 11, true),
               b = random_matrix<float>(s.k * s.n, 12, true);
    const Reference<float> ref = reference_product(a, b, s);
    for (int threads : {1, 2}) {
        const CpuSettings settings{threads};
        std::vector<float> first(s.m * s.n), again(s.m * s.n);
        matmul_blas(a.data(), b.data(), first.data(), s.m, s.n, s.k, settings);
        for (int run = 0; run < 5; ++run) {
            matmul_blas(a.data(), b.data(), again.data(), s.m, s.n, s.k, settings);
            CHECK(same_bits(first, again));
        }
        check_within_bound(first, ref, static_cast<double>(s.k), "blas f32");
        CHECK(blas_info().threads == std::to_string(threads));
    }
    const auto ad = random_matrix<double>(s.m * s.k, 13, true),
               bd = random_matrix<double>(s.k * s.n, 14, true);
    std::vector<double> cd(s.m * s.n), again_d(s.m * s.n);
    matmul_blas(ad.data(), bd.data(), cd.data(), s.m, s.n, s.k, CpuSettings{2});
    matmul_blas(ad.data(), bd.data(), again_d.data(), s.m, s.n, s.k, CpuSettings{2});
    CHECK(same_bits(cd, again_d));
    check_within_bound(cd, reference_product(ad, bd, s), static_cast<double>(s.k), "blas f64");
    // Odd sizes and 1×1×1 go through the same call.
    const float one_a = 3.0f, one_b = -2.0f;
    float one_c = 0;
    matmul_blas(&one_a, &one_b, &one_c, 1, 1, 1, CpuSettings{2});
    CHECK(one_c == -6.0f);
}

TEST_CASE("blas_info describes OpenBLAS") {
    const BlasInfo info = blas_info();
    CHECK(info.name == "OpenBLAS");
    CHECK(info.config.find("OpenBLAS") != std::string::npos);
    CHECK_FALSE(info.core.empty());
    CHECK_FALSE(info.threads.empty());
}

TEST_CASE(
    "splitk_atomic is observed to differ between runs with several threads (bounded retries)") {
    const Shape s{200, 300, 512}; // 2 × 2 tiles of C, each the target of 4 threads' partial sums
    const auto a = random_matrix<float>(s.m * s.k, 21, true),
               b = random_matrix<float>(s.k * s.n, 22, true);
    const CpuSettings settings{4};
    std::vector<float> first(s.m * s.n), again(s.m * s.n);
    matmul_splitk_atomic(a.data(), b.data(), first.data(), s.m, s.n, s.k, settings);
    check_within_bound(first, reference_product(a, b, s), static_cast<double>(s.k + 4),
                       "splitk_atomic f32");
    // Arrival order varies only when threads really run at once: retry for up to 20 s.
    bool differed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!differed && std::chrono::steady_clock::now() < deadline) {
        matmul_splitk_atomic(a.data(), b.data(), again.data(), s.m, s.n, s.k, settings);
        differed = !same_bits(first, again);
    }
    CHECK(differed);
}

TEST_CASE("splitk_atomic: close to the reference for odd shapes, more threads than k, and f64") {
    for (const Shape& s : {Shape{1, 1, 1}, Shape{17, 33, 65}, Shape{31, 47, 3}, Shape{100, 3, 7}}) {
        const auto a = random_matrix<double>(s.m * s.k, 31, true),
                   b = random_matrix<double>(s.k * s.n, 32, true);
        const Reference<double> ref = reference_product(a, b, s);
        for (const CpuSettings& settings : k_settings) {
            std::vector<double> c(s.m * s.n, std::numeric_limits<double>::quiet_NaN());
            matmul_splitk_atomic(a.data(), b.data(), c.data(), s.m, s.n, s.k, settings);
            INFO(s.m << "x" << s.n << "x" << s.k << " threads=" << settings.threads);
            check_within_bound(
                c, ref, static_cast<double>(s.k + static_cast<std::size_t>(settings.threads)),
                "splitk_atomic f64");
        }
    }
}
