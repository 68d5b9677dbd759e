// The one tolerance judge (compare/tolerance_judge) over every dtype x every tolerance kind x
// equal / within / beyond, the statistics it reads (docs/algorithms.md, "Comparison metrics"), and
// the merge of run-to-run statistics.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>
#include "compare/diff_stats.hpp"
#include "compare/diff_text.hpp"
#include "compare/tolerance_judge.hpp"
#include "report/json_reporter.hpp"

using namespace detaudit;

namespace {

using Bytes = std::vector<std::byte>;

template <typename T> Bytes bytes_of(T v) {
    Bytes b(sizeof v);
    std::memcpy(b.data(), &v, sizeof v);
    return b;
}

template <typename T> Bytes complex_of(T re, T im) {
    Bytes b = bytes_of(re), i = bytes_of(im);
    b.insert(b.end(), i.begin(), i.end());
    return b;
}

template <typename T> T ulps_up(T x, int n) {
    for (int i = 0; i < n; ++i) x = std::nextafter(x, std::numeric_limits<T>::infinity());
    return x;
}

// Four elements: the reference value everywhere, `changed` at index 2.
Buffer buffer_of(DType dtype, const Bytes& value, const Bytes& changed) {
    const std::size_t width = value.size();
    Buffer b(dtype, {4});
    for (std::size_t i = 0; i < 4; ++i) std::memcpy(b.data() + i * width, (i == 2 ? changed : value).data(), width);
    return b;
}

struct Row {
    const char* name;
    DType dtype;
    Bytes reference, within, beyond; // one element each: a small and a large difference
    uint64_t within_ulp, beyond_ulp; // the ULP distance (integers |a - b|) each gives
    double tol_ulp, tol_abs, tol_rel; // between the within and the beyond statistics
    ToleranceVerdict within_verdict;
};

template <typename T> Row float_row(const char* name, DType dtype) {
    const T one = 1, eps = std::numeric_limits<T>::epsilon();
    return {name, dtype, bytes_of(one), bytes_of(ulps_up(one, 1)), bytes_of(ulps_up(one, 16)), 1, 16,
            4, 4 * static_cast<double>(eps), 4 * static_cast<double>(eps), ToleranceVerdict::within_tolerance};
}

template <typename T> Row complex_row(const char* name, DType dtype) {
    const T one = 1, eps = std::numeric_limits<T>::epsilon();
    return {name, dtype, complex_of(one, one), complex_of(one, ulps_up(one, 1)), complex_of(ulps_up(one, 16), one), 1,
            16, 4, 4 * static_cast<double>(eps), 4 * static_cast<double>(eps), ToleranceVerdict::within_tolerance};
}

// -100 (signed) or 100: 1 and 16 apart; rel 1/101 within 0.04, 16/116 beyond it.
template <typename T> Row integer_row(const char* name, DType dtype) {
    const T sign = std::numeric_limits<T>::is_signed ? static_cast<T>(-1) : static_cast<T>(1);
    return {name, dtype, bytes_of(static_cast<T>(sign * 100)), bytes_of(static_cast<T>(sign * 101)),
            bytes_of(static_cast<T>(sign * 116)), 1, 16, 4, 4, 0.04, ToleranceVerdict::within_tolerance};
}

std::vector<Row> rows() {
    const Bytes f16_one{std::byte{0x00}, std::byte{0x3c}};
    return {
        {"f16", DType::f16, f16_one, {std::byte{0x01}, std::byte{0x3c}}, {std::byte{0x10}, std::byte{0x3c}}, 1, 16, 4,
         4.0 / 1024, 4.0 / 1024, ToleranceVerdict::within_tolerance},
        float_row<float>("f32", DType::f32),
        float_row<double>("f64", DType::f64),
        complex_row<float>("c64", DType::c64),
        complex_row<double>("c128", DType::c128),
        // A bool is its truth value: 1 vs 2 differ in bits only (0 apart), 1 vs 0 by 1.
        {"bool", DType::bool_, {std::byte{1}}, {std::byte{2}}, {std::byte{0}}, 0, 1, 0, 0.5, 0.5,
         ToleranceVerdict::within_tolerance},
        integer_row<int8_t>("i8", DType::i8),
        integer_row<int16_t>("i16", DType::i16),
        integer_row<int32_t>("i32", DType::i32),
        integer_row<int64_t>("i64", DType::i64),
        integer_row<uint8_t>("u8", DType::u8),
        integer_row<uint16_t>("u16", DType::u16),
        integer_row<uint32_t>("u32", DType::u32),
        integer_row<uint64_t>("u64", DType::u64),
        // Bytes of a file that is not an array have no magnitude: any tolerance needs identity.
        {"bytes", DType::bytes, {std::byte{100}}, {std::byte{101}}, {std::byte{116}}, 0, 0, 4, 4, 0.04,
         ToleranceVerdict::differs},
    };
}

enum class Kind { none, max_ulp, max_abs, max_rel };

Tolerance tolerance_for(const Row& r, Kind k) {
    Tolerance t;
    if (k == Kind::max_ulp) t.max_ulp = r.tol_ulp;
    if (k == Kind::max_abs) t.max_abs = r.tol_abs;
    if (k == Kind::max_rel) t.max_rel = r.tol_rel;
    return t;
}

uint64_t histogram_total(const DiffStats& d) {
    uint64_t n = 0;
    for (uint64_t c : d.ulp_histogram) n += c;
    return n;
}

} // namespace

TEST_CASE("one judge: every dtype x every tolerance kind x equal, within, beyond", "[judge]") {
    for (const Row& r : rows()) {
        const Buffer reference = buffer_of(r.dtype, r.reference, r.reference);
        const Buffer within = buffer_of(r.dtype, r.reference, r.within);
        const Buffer beyond = buffer_of(r.dtype, r.reference, r.beyond);
        for (Kind k : {Kind::none, Kind::max_ulp, Kind::max_abs, Kind::max_rel}) {
            INFO(r.name << ", tolerance kind " << static_cast<int>(k));
            const Tolerance t = tolerance_for(r, k);
            const ToleranceJudgement equal = judge_tolerance(t, compare_buffers(reference, reference));
            CHECK(equal.verdict == ToleranceVerdict::identical);
            const ToleranceJudgement small = judge_tolerance(t, compare_buffers(reference, within));
            const ToleranceJudgement large = judge_tolerance(t, compare_buffers(reference, beyond));
            INFO("within: " << small.reason << "; beyond: " << large.reason);
            CHECK(small.verdict == (k == Kind::none ? ToleranceVerdict::differs : r.within_verdict));
            CHECK(large.verdict == ToleranceVerdict::differs);
            CHECK_FALSE(large.reason.empty());
        }
    }
}

TEST_CASE("statistics per dtype: integers' ULP is |a - b|, histograms add up, raw bytes have no magnitude",
          "[judge]") {
    for (const Row& r : rows()) {
        INFO(r.name);
        const Buffer reference = buffer_of(r.dtype, r.reference, r.reference);
        for (const auto& [changed, ulp] : {std::pair{r.within, r.within_ulp}, std::pair{r.beyond, r.beyond_ulp}}) {
            const DiffStats d = compare_buffers(reference, buffer_of(r.dtype, r.reference, changed));
            CHECK(d.dtype == r.dtype);
            CHECK(d.differing_elements == 1);
            CHECK(d.max_ulp == ulp);
            CHECK(d.raw_bytes == (r.dtype == DType::bytes));
            if (d.raw_bytes) {
                const auto json = diff_to_json(d);
                CHECK(json["max_ulp"].is_null());
                CHECK(json["max_abs"].is_null());
                CHECK(json["ulp_histogram"].is_null());
                CHECK(describe_diff(d) == "1 of 4 bytes differs, first at offset 2");
            } else {
                CHECK(histogram_total(d) == d.elements - d.nan_mismatches);
                CHECK(d.ulp_histogram[ulp_bucket(ulp)] >= 1);
                CHECK(diff_to_json(d)["max_ulp"] == ulp);
            }
        }
    }
}

TEST_CASE("complex: NaN in one component", "[judge]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const Buffer a = buffer_of(DType::c64, complex_of(1.0f, 1.0f), complex_of(nan, 1.0f));
    Tolerance loose;
    loose.max_ulp = 1e9;
    SECTION("NaN on one side only: a NaN mismatch, beyond every tolerance") {
        const DiffStats d = compare_buffers(a, buffer_of(DType::c64, complex_of(1.0f, 1.0f), complex_of(2.0f, 1.0f)));
        CHECK(d.nan_mismatches == 1);
        CHECK(histogram_total(d) == d.elements - 1);
        CHECK(judge_tolerance(loose, d).verdict == ToleranceVerdict::differs);
        CHECK(judge_tolerance(loose, d).reason.find("1 NaN mismatch ") == 0);
    }
    SECTION("NaN in the same part on both sides: the other part decides") {
        const DiffStats d =
            compare_buffers(a, buffer_of(DType::c64, complex_of(1.0f, 1.0f), complex_of(nan, ulps_up(1.0f, 3))));
        CHECK(d.nan_mismatches == 0);
        CHECK(d.max_ulp == 3);
        CHECK(histogram_total(d) == d.elements);
        Tolerance t;
        t.max_ulp = 3;
        CHECK(judge_tolerance(t, d).verdict == ToleranceVerdict::within_tolerance);
        t.max_ulp = 2;
        CHECK(judge_tolerance(t, d).verdict == ToleranceVerdict::differs);
        CHECK(judge_tolerance(t, d).reason == "max_ulp 3 > 2");
    }
}

TEST_CASE("merged run-to-run statistics: maxima over runs, counts and histogram of the worst run", "[judge]") {
    const float one = 1;
    auto run = [&](std::vector<float> v) {
        Buffer b(DType::f32, {v.size()});
        std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
        return b;
    };
    const Buffer reference = run({one, one, one, one, one, one});
    // Run 2: three elements 1 ULP off. Run 3: one element 100 ULP off. Run 4: identical.
    const DiffStats r2 = compare_buffers(reference, run({ulps_up(one, 1), ulps_up(one, 1), ulps_up(one, 1), one, one, one}));
    const DiffStats r3 = compare_buffers(reference, run({one, one, one, one, one, ulps_up(one, 100)}));
    const DiffStats r4 = compare_buffers(reference, reference);
    for (const auto& order : {std::vector{r2, r3, r4}, std::vector{r4, r3, r2}, std::vector{r3, r4, r2}}) {
        DiffStats merged = order[0];
        for (std::size_t i = 1; i < order.size(); ++i) merge_diff(merged, order[i]);
        CHECK_FALSE(merged.identical);
        CHECK(merged.max_ulp == 100);              // run 3's
        CHECK(merged.differing_elements == 3);     // run 2's, the worst run
        CHECK(merged.ulp_histogram[1] == 3);       // run 2's histogram, whole
        CHECK(merged.ulp_histogram[0] == 3);
        CHECK(histogram_total(merged) == merged.elements - merged.nan_mismatches);
        // Judging the merge is judging every run: {"max_ulp": 4} fails on run 3.
        Tolerance t;
        t.max_ulp = 4;
        CHECK(judge_tolerance(t, merged).verdict == ToleranceVerdict::differs);
    }
    SECTION("a run with a NaN mismatch is the worst run, so the merge never passes a tolerance") {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const DiffStats r5 = compare_buffers(reference, run({one, one, one, one, nan, one}));
        DiffStats merged = r2;
        merge_diff(merged, r5);
        CHECK(merged.nan_mismatches == 1);
        CHECK(merged.differing_elements == 1);
        CHECK(histogram_total(merged) == merged.elements - 1);
        Tolerance t;
        t.max_ulp = 1e9;
        CHECK(judge_tolerance(t, merged).verdict == ToleranceVerdict::differs);
    }
}

TEST_CASE("magnitudes are printed as their value", "[judge]") {
    CHECK(magnitude_text(0.999937) == "0.999937");
    CHECK(magnitude_text(0.99999996) == "0.99999996");
    CHECK(magnitude_text(9.9999996) == "9.9999996");
    CHECK(magnitude_text(1.0) == "1");
    CHECK(magnitude_text(2.0954757928848267e-07) == "2.09548e-07");
    CHECK(magnitude_text(0) == "0");
    CHECK(magnitude_text(INFINITY) == "inf");
    CHECK(count_text(1, "byte", "bytes") == "1 byte");
    CHECK(count_text(2, "byte", "bytes") == "2 bytes");
}
