// The elementwise `libm` kernel: names, known values of each function (oracles computed with
// mpmath at 200 bits and rounded once to double), f32 against f64, thread-count invariance, NaNs.
#include "kernels/common/elementwise_math.hpp"
#include "kernels/common/float_bits.hpp"
#include "kernels/cpu/elementwise_cpu.hpp"
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace detaudit::kernels;
using F = ElementwiseFunction;

namespace {

const CpuSettings k_one_thread{1, CpuSchedule::static_};

template <typename T> T apply(F f, T x, T y = T(0)) {
    T out{};
    elementwise_libm<T>(f, &x, &y, &out, 1, k_one_thread);
    return out;
}

// Distance in ULPs, with a message Catch prints when the bound fails.
template <typename T> uint64_t ulps(T got, T expected) {
    INFO("got " << std::hexfloat << got << " expected " << expected);
    return ulp_distance(got, expected);
}

struct Domain {
    F f;
    double low, high; // inputs for the f32-vs-f64 sweep
    uint64_t max_ulp;
};

// The f32 sweep's domains and bounds. glibc's float functions are within 1 ULP of the correctly
// rounded result; the composite ones round several times in float. gelu is swept only where
// 1 + tanh(...) stays away from cancellation (x >= -1): for x << 0 that sum loses most of its bits
// in float, as it does in any float implementation of the formula, and the bound would mean little.
const Domain k_domains[] = {
    {F::exp, -87, 88, 1},     {F::log, 1e-30, 1e30, 1},  {F::log1p, -0.999, 1e6, 1},
    {F::expm1, -20, 88, 1},   {F::sin, -100, 100, 1},    {F::cos, -100, 100, 1},
    {F::tan, -1.5, 1.5, 1},   {F::tanh, -10, 10, 2},     {F::erf, -4, 4, 2},
    {F::pow, 0.01, 10, 1},    {F::sqrt, 1e-30, 1e30, 0}, {F::rsqrt, 1e-30, 1e30, 2},
    {F::sigmoid, -80, 80, 3}, {F::gelu, -1, 10, 4},
};

// Inputs spread over [low, high], with the exact ends; exactly representable in float, so the
// f32 and f64 kernels see the same value. Exponents for pow stay in [-4, 4].
std::vector<float> sweep_inputs(double low, double high, std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::vector<float> x(n);
    const bool logarithmic = low > 0 && high / low > 1e3; // spread over every binade
    std::uniform_real_distribution<double> u(logarithmic ? std::log(low) : low,
                                             logarithmic ? std::log(high) : high);
    for (auto& v : x)
        v = static_cast<float>(logarithmic ? std::exp(u(gen)) : u(gen));
    x.front() = static_cast<float>(low);
    x.back() = static_cast<float>(high);
    for (auto& v : x) // casting the ends may step just outside the domain
        v = std::fmin(std::fmax(v, static_cast<float>(low)), static_cast<float>(high));
    return x;
}

template <typename T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

} // namespace

TEST_CASE("every elementwise function name parses and round-trips") {
    const auto& names = elementwise_function_names();
    REQUIRE(names.size() == 14);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto f = parse_elementwise_function(names[i]);
        REQUIRE(f.has_value());
        CHECK(static_cast<std::size_t>(*f) == i);
        CHECK(elementwise_function_name(*f) == names[i]);
    }
    CHECK(parse_elementwise_function("gelu") == F::gelu);
    CHECK(parse_elementwise_function("rsqrt") == F::rsqrt);
    CHECK_FALSE(parse_elementwise_function("Exp").has_value()); // names are case-sensitive
    CHECK_FALSE(parse_elementwise_function("").has_value());
    CHECK_FALSE(parse_elementwise_function("softmax").has_value());
}

TEST_CASE("f64 results match known values") {
    // Exact values rounded once to double; glibc's double functions are within 1 ULP of them.
    CHECK(ulps(apply(F::exp, 1.0), 2.718281828459045) <= 1);
    CHECK(ulps(apply(F::exp, -0.5), 0.6065306597126334) <= 1);
    CHECK(ulps(apply(F::log, 2.0), 0.6931471805599453) <= 1);
    CHECK(ulps(apply(F::log, 10.0), 2.302585092994046) <= 1);
    CHECK(ulps(apply(F::log1p, 1e-10), 9.999999999500001e-11) <= 1); // log(1 + 1e-10) loses it
    CHECK(ulps(apply(F::expm1, 1e-10), 1.00000000005e-10) <= 1);
    CHECK(ulps(apply(F::sin, 0.5235987755982988), 0.49999999999999994) <= 1); // double(pi/6)
    CHECK(ulps(apply(F::sin, 1.0), 0.8414709848078965) <= 1);
    CHECK(ulps(apply(F::cos, 1.0), 0.5403023058681398) <= 1);
    CHECK(ulps(apply(F::tan, 1.0), 1.5574077246549023) <= 1);
    CHECK(ulps(apply(F::tanh, 0.5), 0.46211715726000974) <= 1);
    CHECK(ulps(apply(F::erf, 0.5), 0.5204998778130465) <= 1);
    CHECK(apply(F::pow, 2.0, 10.0) == 1024.0); // exact results are returned exactly
    CHECK(ulps(apply(F::pow, 1.5, 2.5), 2.7556759606310752) <= 1);
    CHECK(apply(F::sqrt, 2.0) == 1.4142135623730951); // IEEE: correctly rounded
    CHECK(apply(F::rsqrt, 4.0) == 0.5);
    CHECK(apply(F::sigmoid, 0.0) == 0.5);
    CHECK(ulps(apply(F::sigmoid, 1.0), 0.7310585786300049) <= 2);
    CHECK(ulps(apply(F::sigmoid, -2.0), 0.11920292202211756) <= 2);
    CHECK(apply(F::gelu, 0.0) == 0.0);
    // The exact tanh-form values: evaluating the formula in double rounds several times, so a
    // few ULP (the brief's 0.8411919906082768 and -0.15880800939172324 are 1 ULP off these).
    CHECK(ulps(apply(F::gelu, 1.0), 0.8411919906082767) <= 4);
    CHECK(ulps(apply(F::gelu, -1.0), -0.1588080093917233) <= 4);
    CHECK(ulps(apply(F::gelu, 2.0), 1.954597694087775) <= 4);
}

TEST_CASE("sigmoid and gelu are the documented expressions") {
    // Same expression order as the header documents, written out here independently: a change
    // of order in elementwise_math.hpp (which the GPU twin shares) shows up as different bits.
    for (double x : {-7.25, -1.0, -0.3, 0.1, 0.7, 1.0, 2.5, 9.0}) {
        const double half_x = 0.5 * x;
        const double inner = 0.7978845608028654 * (x + 0.044715 * ((x * x) * x));
        CHECK(to_bits(apply(F::gelu, x)) == to_bits(half_x * (1.0 + std::tanh(inner))));
        CHECK(to_bits(apply(F::sigmoid, x)) == to_bits(1.0 / (1.0 + std::exp(-x))));
        CHECK(to_bits(apply(F::rsqrt, std::fabs(x))) == to_bits(1.0 / std::sqrt(std::fabs(x))));
    }
    for (float x : {-7.25f, -1.0f, 0.1f, 1.0f, 2.5f}) {
        const float inner = 0.7978845608028654f * (x + 0.044715f * ((x * x) * x));
        CHECK(to_bits(apply(F::gelu, x)) == to_bits((0.5f * x) * (1.0f + std::tanh(inner))));
    }
    // Saturation gives the limits, not NaN.
    CHECK(apply(F::sigmoid, -1000.0) == 0.0);
    CHECK(apply(F::sigmoid, 1000.0) == 1.0);
    CHECK(apply(F::sigmoid, -200.0f) == 0.0f);
}

TEST_CASE("f32 results are within a few ULP of the f64 results rounded to float") {
    constexpr std::size_t n = 4099;
    for (const Domain& d : k_domains) {
        INFO("function " << elementwise_function_name(d.f));
        const std::vector<float> x32 = sweep_inputs(d.low, d.high, n, 7);
        const std::vector<float> y32 = sweep_inputs(-4, 4, n, 8);
        const std::vector<double> x64(x32.begin(), x32.end());
        const std::vector<double> y64(y32.begin(), y32.end());
        std::vector<float> out32(n);
        std::vector<double> out64(n);
        elementwise_libm<float>(d.f, x32.data(), y32.data(), out32.data(), n, k_one_thread);
        elementwise_libm<double>(d.f, x64.data(), y64.data(), out64.data(), n, k_one_thread);
        uint64_t worst = 0;
        std::size_t worst_i = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const float reference = static_cast<float>(out64[i]);
            REQUIRE(std::isfinite(reference));
            const uint64_t u = ulp_distance(out32[i], reference);
            if (u > worst) {
                worst = u;
                worst_i = i;
            }
        }
        INFO("worst at x = " << std::hexfloat << x32[worst_i] << ", y = " << y32[worst_i] << ": "
                             << out32[worst_i] << " vs " << static_cast<float>(out64[worst_i]));
        CHECK(worst <= d.max_ulp);
    }
}

TEST_CASE("f32 calls the float functions, not the double ones rounded") {
    // expf and (float)exp((double)x) can differ in the last bit: the f32 op audits the float
    // library, which is what an f32 program calls, so the kernel must give the float overload's
    // bits (std::exp(float) is expf).
    const std::vector<float> x = sweep_inputs(-80, 80, 1 << 14, 3);
    const std::vector<float> y = sweep_inputs(-4, 4, 1 << 14, 4);
    std::vector<float> out(x.size());
    const auto expect_bits = [&](F f, float (*library)(float)) {
        INFO("function " << elementwise_function_name(f));
        elementwise_libm<float>(f, x.data(), nullptr, out.data(), x.size(), k_one_thread);
        for (std::size_t i = 0; i < x.size(); ++i)
            REQUIRE(to_bits(out[i]) == to_bits(library(x[i])));
    };
    expect_bits(F::exp, [](float v) { return std::exp(v); });
    expect_bits(F::sin, [](float v) { return std::sin(v); });
    expect_bits(F::cos, [](float v) { return std::cos(v); });
    expect_bits(F::tanh, [](float v) { return std::tanh(v); });
    expect_bits(F::erf, [](float v) { return std::erf(v); });
    expect_bits(F::expm1, [](float v) { return std::expm1(v); });
    std::vector<float> ax(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        ax[i] = std::fabs(x[i]);
    elementwise_libm<float>(F::pow, ax.data(), y.data(), out.data(), x.size(), k_one_thread);
    for (std::size_t i = 0; i < x.size(); ++i)
        REQUIRE(to_bits(out[i]) == to_bits(std::pow(ax[i], y[i])));
}

TEST_CASE("results are identical for every thread count") {
    constexpr std::size_t n = (1 << 16) + 37; // not a multiple of any thread count's chunk
    std::mt19937 gen(11);
    std::uniform_real_distribution<double> u(-5, 5), positive(0.01, 50);
    std::vector<double> x64(n), y64(n);
    for (std::size_t i = 0; i < n; ++i) {
        x64[i] = u(gen);
        y64[i] = u(gen);
    }
    const std::vector<float> x32(x64.begin(), x64.end()), y32(y64.begin(), y64.end());
    std::vector<double> xp64(n);
    for (auto& v : xp64)
        v = positive(gen); // pow, log, sqrt... on positive inputs, no NaNs
    const std::vector<float> xp32(xp64.begin(), xp64.end());

    for (std::string_view name : elementwise_function_names()) {
        INFO("function " << name);
        const F f = *parse_elementwise_function(name);
        const bool positive_only = f == F::log || f == F::pow || f == F::sqrt || f == F::rsqrt;
        const auto& in64 = positive_only ? xp64 : x64;
        const auto& in32 = positive_only ? xp32 : x32;
        std::vector<double> ref64(n);
        std::vector<float> ref32(n);
        elementwise_libm<double>(f, in64.data(), y64.data(), ref64.data(), n, k_one_thread);
        elementwise_libm<float>(f, in32.data(), y32.data(), ref32.data(), n, k_one_thread);
        for (int threads : {2, 8}) {
            INFO("threads " << threads);
            const CpuSettings s{threads, CpuSchedule::dynamic}; // the schedule axis cannot matter
            std::vector<double> out64(n);
            std::vector<float> out32(n);
            elementwise_libm<double>(f, in64.data(), y64.data(), out64.data(), n, s);
            elementwise_libm<float>(f, in32.data(), y32.data(), out32.data(), n, s);
            CHECK(same_bits(out64, ref64));
            CHECK(same_bits(out32, ref32));
        }
    }
}

TEST_CASE("NaN in, NaN out where IEEE 754 says so") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    // Invalid operations produce NaN.
    CHECK(std::isnan(apply(F::log, -1.0)));
    CHECK(std::isnan(apply(F::log, -1.0f)));
    CHECK(std::isnan(apply(F::sqrt, -1.0)));
    CHECK(std::isnan(apply(F::rsqrt, -4.0)));
    CHECK(std::isnan(apply(F::log1p, -2.0)));
    CHECK(std::isnan(apply(F::sin, inf)));
    CHECK(std::isnan(apply(F::pow, -2.0, 0.5)));
    // NaN propagates through every function ...
    for (std::string_view name : elementwise_function_names()) {
        INFO("function " << name);
        const F f = *parse_elementwise_function(name);
        CHECK(std::isnan(apply(f, nan, 1.5)));
        CHECK(std::isnan(apply(f, std::numeric_limits<float>::quiet_NaN(), 1.5f)));
    }
    // ... except where IEEE 754 (and C's Annex F) define a number: pow(x, 0) = 1, pow(1, y) = 1.
    CHECK(apply(F::pow, nan, 0.0) == 1.0);
    CHECK(apply(F::pow, 1.0, nan) == 1.0);
    // Poles and limits.
    CHECK(apply(F::log, 0.0) == -inf);
    CHECK(apply(F::rsqrt, 0.0) == inf);
    CHECK(apply(F::exp, -inf) == 0.0);
    CHECK(apply(F::tanh, inf) == 1.0);
    CHECK(apply(F::erf, -inf) == -1.0);
    CHECK(std::signbit(apply(F::sqrt, -0.0))); // sqrt(-0) = -0
}

TEST_CASE("pow needs its exponent array; other functions ignore y") {
    const double x = 2.0;
    double out = 0;
    CHECK_THROWS_AS(elementwise_libm<double>(F::pow, &x, nullptr, &out, 1, k_one_thread),
                    std::invalid_argument);
    elementwise_libm<double>(F::sqrt, &x, nullptr, &out, 1, k_one_thread);
    CHECK(out == std::sqrt(2.0));
    elementwise_libm<double>(F::pow, nullptr, nullptr, nullptr, 0, k_one_thread); // n = 0: no-op
}
