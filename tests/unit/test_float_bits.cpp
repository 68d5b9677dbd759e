// ULP distance edge cases (the monotonic mapping of DESIGN.md §5).
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include "kernels/common/float_bits.hpp"

using namespace detaudit::kernels;

TEST_CASE("ULP distance: zeros, neighbours, sign crossing, infinities, f64 extremes") {
    CHECK(ulp_distance(0.0f, -0.0f) == 0);
    CHECK(ulp_distance(1.0f, std::nextafter(1.0f, 2.0f)) == 1);
    CHECK(ulp_distance(1.0f, 1.0f + 4 * FLT_EPSILON) == 4);
    CHECK(ulp_distance(-FLT_TRUE_MIN, FLT_TRUE_MIN) == 2);
    CHECK(ulp_distance(FLT_MAX, static_cast<float>(INFINITY)) == 1);
    CHECK(ulp_distance(-1.0f, 1.0f) == 2ull * 0x3f800000u);
    CHECK(ulp_distance(2.0, std::nextafter(2.0, 0.0)) == 1);
    CHECK(ulp_distance(-DBL_MAX, DBL_MAX) == 2 * 0x7fefffffffffffffull);
    CHECK(ulp_distance(-static_cast<double>(INFINITY), static_cast<double>(INFINITY)) == 2 * 0x7ff0000000000000ull);
}

TEST_CASE("NaN detection from bits") {
    CHECK(is_nan_bits<float>(to_bits(std::nanf(""))));
    CHECK_FALSE(is_nan_bits<float>(to_bits(INFINITY)));
    CHECK(is_nan_bits<double>(0xfff8000000000001ull));
}
