// Digest known answers and the comparison metrics of DESIGN.md §5.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include "compare/diff_stats.hpp"
#include "compare/digest.hpp"

using namespace detaudit;

namespace {
Buffer floats(std::vector<float> v) {
    Buffer b(DType::f32, {v.size()});
    std::memcpy(b.data(), v.data(), v.size() * 4);
    return b;
}
} // namespace

TEST_CASE("digest is XXH3-128 of the raw bytes as `xxhsum -H2` prints it") {
    // Both values printed by xxhsum 0.8.1 (`printf abc | xxhsum -H2`, and an empty file).
    const std::string abc = "abc";
    CHECK(digest_bytes(std::as_bytes(std::span(abc.data(), abc.size()))) == "06b05ab6733a618578af5f94892f3950");
    CHECK(digest_bytes({}) == "99aa06d3014798d86001c324468d497f");
}

TEST_CASE("identical buffers: identical, every element in the 0-ULP bucket") {
    const Buffer a = floats({1, 2, 3});
    const DiffStats d = compare_buffers(a, a.clone());
    CHECK(d.identical);
    CHECK(d.elements == 3);
    CHECK(d.ulp_histogram[0] == 3);
    CHECK_FALSE(d.first_difference);
}

TEST_CASE("differences: ULP, abs, rel, histogram buckets, first difference with exact text") {
    const float one_up = std::nextafter(1.0f, 2.0f);
    const Buffer a = floats({1.0f, 2.0f, 0.0f, -0.0f, 100.0f, 0.1f});
    const Buffer b = floats({one_up, 2.0f, -0.0f, 0.0f, 100.0f + 10 * 7.62939453125e-06f, 0.1f});
    const DiffStats d = compare_buffers(a, b);
    CHECK_FALSE(d.identical);
    CHECK(d.differing_elements == 4); // +0/-0 differ in bits but are 0 ULP apart
    CHECK(d.max_ulp == 10);
    CHECK(d.ulp_histogram[0] == 4);
    CHECK(d.ulp_histogram[1] == 1);
    CHECK(d.ulp_histogram[3] == 1); // 10 ULP: bucket 4-15
    CHECK(d.max_abs == Approx(7.62939453125e-05));
    CHECK(d.max_rel == Approx(7.62939453125e-05 / 100.0000762939453125));
    REQUIRE(d.first_difference);
    CHECK(d.first_difference->index == 0);
    CHECK(d.first_difference->reference.decimal == "1");
    CHECK(d.first_difference->other.decimal == "1.00000011920928955078125");
    CHECK(d.first_difference->other.hex_bits == "0x3f800001");
    const ValueText tenth = describe_value(DType::f32, a.data() + 5 * 4);
    CHECK(tenth.decimal == "0.100000001490116119384765625");
}

TEST_CASE("NaN rules: NaN vs NaN is 0 ULP, NaN vs number is a NaN mismatch") {
    const Buffer a = floats({NAN, 1.0f, 5.0f});
    Buffer b = floats({-NAN, NAN, 5.0f});
    const DiffStats d = compare_buffers(a, b);
    CHECK(d.nan_mismatches == 1);
    CHECK(d.max_ulp == 0);
    CHECK(d.differing_elements == 2);
}

TEST_CASE("shape or dtype mismatch is reported, not compared") {
    const DiffStats d = compare_buffers(floats({1, 2}), floats({1, 2, 3}));
    CHECK(d.shape_mismatch);
    CHECK(d.mismatch_detail == "f32[2] vs f32[3]");
}

TEST_CASE("merge_diff: maxima, the worst run's histogram, first difference kept") {
    DiffStats total = compare_buffers(floats({1, 2}), floats({1, std::nextafter(2.0f, 3.0f)}));
    const DiffStats next = compare_buffers(floats({1, 2}), floats({std::nextafter(1.0f, 0.0f), 2}));
    merge_diff(total, next);
    CHECK(total.max_ulp == 1);
    CHECK(total.ulp_histogram[0] + total.ulp_histogram[1] == 2); // one run's: adds up to elements
    CHECK(total.first_difference->index == 1);
}

TEST_CASE("same_multiset: permutations yes, changed values no") {
    CHECK(same_multiset(floats({1, 2, 3}), floats({3, 1, 2})));
    CHECK_FALSE(same_multiset(floats({1, 2, 3}), floats({3, 1, 1})));
}
