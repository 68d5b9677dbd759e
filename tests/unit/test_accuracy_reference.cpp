// MPFR references (lib/audit/mpfr_reference.cpp) against known correctly rounded values: the
// C library's M_ constants (correctly rounded decimal expansions), sin of the f32/f64 nearest to pi
// (pi minus that float, worked out with enough digits of pi), and the subnormal and overflow edges.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include "audit/mpfr_reference.hpp"

using detaudit::mpfr_correctly_rounded;

namespace {

uint64_t bits64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}
uint32_t bits32(double v) {
    const float f = static_cast<float>(v); // exact: the reference is an f32 value
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

} // namespace

TEST_CASE("MPFR references equal the correctly rounded constants", "[accuracy]") {
    CHECK(bits64(mpfr_correctly_rounded("exp", 1, 0, false)) == bits64(M_E));
    CHECK(bits64(mpfr_correctly_rounded("log", 2, 0, false)) == bits64(M_LN2));
    CHECK(bits64(mpfr_correctly_rounded("log", 10, 0, false)) == bits64(M_LN10));
    CHECK(bits64(mpfr_correctly_rounded("log1p", 1, 0, false)) == bits64(M_LN2));
    CHECK(bits64(mpfr_correctly_rounded("sqrt", 2, 0, false)) == bits64(M_SQRT2));
    CHECK(bits64(mpfr_correctly_rounded("rsqrt", 2, 0, false)) == bits64(M_SQRT1_2));
    CHECK(bits64(mpfr_correctly_rounded("pow", 2, 0.5, false)) == bits64(M_SQRT2));
    CHECK(bits32(mpfr_correctly_rounded("exp", 1, 0, true)) == 0x402df854u); // 2.7182817f
    CHECK(bits32(mpfr_correctly_rounded("sqrt", 2, 0, true)) == 0x3fb504f3u); // 1.4142135f
}

TEST_CASE("MPFR references of sin near pi", "[accuracy]") {
    CHECK(bits64(mpfr_correctly_rounded("sin", M_PI, 0, false)) == 0x3ca1a62633145c07ull);
    CHECK(bits32(mpfr_correctly_rounded("sin", double(float(M_PI)), 0, true)) == 0xb3bbbd2eu);
}

TEST_CASE("MPFR references round into the subnormals and overflow to infinity", "[accuracy]") {
    // e^-100 = 26.55 * 2^-149: the f32 subnormal 27 * 2^-149.
    CHECK(bits32(mpfr_correctly_rounded("exp", -100, 0, true)) == 0x1bu);
    // e^-745 = 0.571 * 2^-1074 rounds up to the smallest subnormal; e^-746 = 0.21 * 2^-1074 to +0.
    CHECK(bits64(mpfr_correctly_rounded("exp", -745, 0, false)) == 1u);
    CHECK(bits64(mpfr_correctly_rounded("exp", -746, 0, false)) == 0u);
    CHECK(mpfr_correctly_rounded("exp", 89, 0, true) == std::numeric_limits<double>::infinity());
    CHECK(mpfr_correctly_rounded("exp", 710, 0, false) == std::numeric_limits<double>::infinity());
    CHECK(std::isnan(mpfr_correctly_rounded("log", -1, 0, false)));
    // Composite functions: sigmoid(0) = 1/2 and gelu(0) = 0 exactly; sigmoid(-800) underflows to +0.
    CHECK(mpfr_correctly_rounded("sigmoid", 0, 0, false) == 0.5);
    CHECK(mpfr_correctly_rounded("gelu", 0, 0, true) == 0.0);
    CHECK(bits64(mpfr_correctly_rounded("sigmoid", -800, 0, false)) == 0u);
}
