// The reduce algorithms: fixed orders reproduce for any thread count; atomic is observed to
// differ; reproducible is order-independent and correctly rounded against an exact oracle.
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <cfloat>
#include <cmath>
#include <random>
#include <vector>
#include "grid_values.hpp"
#include "kernels/common/binned_sum.hpp"
#include "kernels/common/lane_sum.hpp"
#include "kernels/cpu/reduce_cpu.hpp"

using namespace detaudit::kernels;

namespace {

double exact_double_sum(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += v;
    return s;
}

const std::vector<CpuSettings> k_settings = {
    {1, CpuSchedule::static_}, {2, CpuSchedule::static_}, {3, CpuSchedule::dynamic},
    {4, CpuSchedule::guided},  {8, CpuSchedule::dynamic}, {7, CpuSchedule::static_}};

template <typename T> uint64_t bits(T x) { return to_bits(x); }

} // namespace

TEST_CASE("sequential, pairwise and kahan follow their definitions") {
    const std::vector<float> x = {1e8f, 1.0f, -1e8f, 1.0f, 0.5f};
    CHECK(reduce_sequential(x.data(), x.size()) == ((((1e8f + 1.0f) + -1e8f) + 1.0f) + 0.5f));
    const std::vector<float> tenths(10000, 0.1f);
    const float exact = static_cast<float>(10000.0 * static_cast<double>(0.1f));
    CHECK(reduce_kahan(tenths.data(), tenths.size()) == exact); // compensation recovers the lost bits
    CHECK(reduce_sequential(tenths.data(), tenths.size()) != exact);
    std::vector<float> big = grid_values(1000, 1);
    const float expected = pairwise_sum(big.data(), 500) + pairwise_sum(big.data() + 500, 500);
    CHECK(reduce_pairwise(big.data(), big.size()) == expected);
    CHECK(std::signbit(reduce_sequential<float>(nullptr, 0))); // -0 is the identity
}

TEST_CASE("blocked gives the same bits for every thread count and schedule") {
    std::vector<float> x = grid_values((1 << 18) + 37, 2);
    for (auto& v : x) v *= 1000.0f + v; // rounding happens
    const float reference = reduce_blocked(x.data(), x.size(), k_settings[0]);
    for (const auto& s : k_settings) CHECK(bits(reduce_blocked(x.data(), x.size(), s)) == bits(reference));
    // ... and is the documented order: chunk lane trees combined left to right.
    float manual = -0.0f;
    for (std::size_t i = 0; i < x.size(); i += k_blocked_chunk)
        manual += lane_tree_sum(x.data() + i, std::min(k_blocked_chunk, x.size() - i));
    CHECK(bits(reference) == bits(manual));
}

TEST_CASE("per_thread reproduces for a fixed thread count and changes with it") {
    std::vector<float> x = grid_values(1 << 18, 3);
    for (auto& v : x) v = v * 1e4f + 0.1f;
    const CpuSettings two{2, CpuSchedule::static_}, three{3, CpuSchedule::static_};
    const float a = reduce_per_thread(x.data(), x.size(), two);
    for (int i = 0; i < 5; ++i) CHECK(bits(reduce_per_thread(x.data(), x.size(), two)) == bits(a));
    const float one = reduce_per_thread(x.data(), x.size(), CpuSettings{1, CpuSchedule::static_});
    CHECK(bits(one) == bits(reduce_sequential(x.data(), x.size())));
    const float b = reduce_per_thread(x.data(), x.size(), three);
    CHECK(bits(a) != bits(b)); // different grouping of these inputs rounds differently
}

TEST_CASE("atomic is observed to differ between runs with several threads (bounded retries)") {
    std::vector<float> x = grid_values(1 << 20, 4);
    for (auto& v : x) v = v * 1e3f;
    const CpuSettings s{4, CpuSchedule::dynamic};
    const float first = reduce_atomic(x.data(), x.size(), s);
    // Arrival order varies only when threads really run at once: retry for up to 20 s.
    bool differed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!differed && std::chrono::steady_clock::now() < deadline)
        differed = bits(reduce_atomic(x.data(), x.size(), s)) != bits(first);
    CHECK(differed);
}

TEST_CASE("reproducible: same bits for any threads, schedule and input order; correctly rounded") {
    for (unsigned seed : {5u, 6u, 7u}) {
        std::vector<float> x = grid_values(100003, seed);
        const float oracle = static_cast<float>(exact_double_sum(x));
        for (const auto& s : k_settings) REQUIRE(bits(reduce_reproducible(x.data(), x.size(), s)) == bits(oracle));
        std::mt19937 gen(seed);
        for (int shuffle = 0; shuffle < 3; ++shuffle) {
            std::shuffle(x.begin(), x.end(), gen);
            REQUIRE(bits(reduce_reproducible(x.data(), x.size(), k_settings[4])) == bits(oracle));
        }
    }
}

TEST_CASE("reproducible: cancellation, mixed magnitudes, subnormals, ties, specials") {
    const CpuSettings s{3, CpuSchedule::dynamic};
    auto sum = [&](std::vector<float> v) { return reduce_reproducible(v.data(), v.size(), s); };
    CHECK(sum({0x1p40f, 1.0f, -0x1p40f}) == 1.0f);            // exact within the window
    CHECK(sum({0x1p40f, -0x1p40f, 0x1p-20f}) == 0x1p-20f);
    CHECK(sum({FLT_TRUE_MIN, FLT_TRUE_MIN, FLT_TRUE_MIN}) == 3 * FLT_TRUE_MIN);
    CHECK(sum({0x1p24f, 1.0f}) == 0x1p24f);                   // tie: 2^24 + 1 rounds to even
    CHECK(sum({0x1p24f, 1.0f, 1.0f, 1.0f}) == 0x1p24f + 4.0f);  // exact 2^24 + 3: tie to even (+4)
    CHECK(sum({0x1p24f, 1.0f, 0x1p-30f}) == 0x1p24f + 2.0f);    // just above the tie: rounds up
    CHECK(sum({FLT_MAX, FLT_MAX}) == INFINITY);
    CHECK(sum({-FLT_MAX, -FLT_MAX, 1.0f}) == -INFINITY);
    CHECK(sum({}) == 0.0f);
    CHECK(std::isnan(sum({1.0f, NAN})));
    CHECK(std::isnan(sum({INFINITY, -INFINITY})));
    CHECK(sum({INFINITY, 1.0f}) == INFINITY);
    CHECK(sum({-INFINITY, 1e30f}) == -INFINITY);
    // Documented limit: bits more than 3 bins (62+ bits) below the largest element are dropped.
    CHECK(sum({0x1p100f, 1.0f, -0x1p100f}) == 0.0f);
}

TEST_CASE("reproducible f64: order independence and exactness on a grid") {
    std::mt19937_64 gen(11);
    std::uniform_int_distribution<int64_t> k(-(int64_t(1) << 40), int64_t(1) << 40);
    std::vector<double> x(50000);
    long double exact = 0; // integers below 2^56 in total: exact in long double (64-bit mantissa)
    for (auto& v : x) {
        const int64_t m = k(gen);
        v = static_cast<double>(m) * 0x1p-30;
        exact += static_cast<long double>(m);
    }
    const double oracle = static_cast<double>(exact) * 0x1p-30;
    for (const auto& s : k_settings) REQUIRE(reduce_reproducible(x.data(), x.size(), s) == oracle);
    std::shuffle(x.begin(), x.end(), gen);
    CHECK(reduce_reproducible(x.data(), x.size(), k_settings[2]) == oracle);
    std::vector<double> tiny = {DBL_TRUE_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN * 4};
    CHECK(reduce_reproducible(tiny.data(), tiny.size(), k_settings[0]) == -2 * DBL_TRUE_MIN);
}

TEST_CASE("binned accumulator: merging partial accumulators in any order gives the same bits") {
    std::vector<float> x = grid_values(9000, 12);
    x[10] = 3e20f; // raises the window in one part only
    x[8000] = -3e20f;
    BinnedAccumulator<float> whole;
    for (float v : x) binned_deposit(whole, v);
    BinnedAccumulator<float> a, b, c;
    for (std::size_t i = 0; i < 3000; ++i) binned_deposit(a, x[i]);
    for (std::size_t i = 3000; i < 6000; ++i) binned_deposit(b, x[i]);
    for (std::size_t i = 6000; i < x.size(); ++i) binned_deposit(c, x[i]);
    BinnedAccumulator<float> abc = a, cba = c;
    binned_merge(abc, b);
    binned_merge(abc, c);
    binned_merge(cba, b);
    binned_merge(cba, a);
    CHECK(bits(binned_finalize(abc)) == bits(binned_finalize(whole)));
    CHECK(bits(binned_finalize(cba)) == bits(binned_finalize(whole)));
}

TEST_CASE("round_scaled_int128: ties to even, subnormal results, overflow") {
    CHECK(round_scaled_int128<float>((Int128(1) << 24) + 1, 0) == 0x1p24f);
    CHECK(round_scaled_int128<float>((Int128(1) << 24) + 3, 0) == 0x1p24f + 4);
    CHECK(round_scaled_int128<float>(3, -150) == 2 * FLT_TRUE_MIN); // 1.5 min subnormal: tie to even
    CHECK(round_scaled_int128<float>(5, -151) == FLT_TRUE_MIN);     // 1.25 min subnormal
    CHECK(round_scaled_int128<float>(-1, 200) == -INFINITY);
    CHECK(round_scaled_int128<double>((Int128(1) << 100) + 1, -100) == 1.0);
}

TEST_CASE("exact: correctly rounded for every thread count, through the block and element paths") {
    const CpuReduceKernel* exact = find_cpu_reduce_kernel("exact");
    REQUIRE(exact != nullptr);
    // Values on a grid (integers times 2^-20): the exact sum is an int64 sum, and int64 -> float
    // conversion rounds to nearest even, an oracle independent of the accumulator.
    std::mt19937_64 rng(17);
    std::uniform_int_distribution<int64_t> grid(-(int64_t(1) << 23), int64_t(1) << 23);
    std::vector<float> x(100003);
    int64_t total = 0;
    for (auto& v : x) {
        const int64_t i = grid(rng);
        total += i;
        v = std::ldexp(static_cast<float>(i), -20);
    }
    // A cancelling pair 2^100 apart from the rest sends its blocks down the element-wise path.
    for (const std::size_t i : {std::size_t(5000), std::size_t(90000)})
        total -= static_cast<int64_t>(std::ldexp(x[i], 20)); // the grid values they replace
    x[5000] = 0x1p100f;
    x[90000] = -0x1p100f;
    const float expected = std::ldexp(static_cast<float>(total), -20); // the pair cancels exactly
    for (const auto& s : k_settings) CHECK(bits(exact->f32(x.data(), x.size(), s)) == bits(expected));
    // The case, where reproducible's window returns +0.
    const std::vector<float> cancel = {-9.587914e29f, 9.587914e29f, -0.9050461f};
    CHECK(exact->f32(cancel.data(), cancel.size(), k_settings[1]) == -0.9050461f);
    CHECK(reduce_reproducible(cancel.data(), cancel.size(), k_settings[1]) == 0.0f);
}

TEST_CASE("reproducible f32: blocks that need the third piece give the element-wise deposit's bits") {
    // The CPU tries two pieces per element first and deposits a block again with three when some
    // element has bits below the second piece; the scalar deposit (the GPU's) is the reference.
    std::mt19937 gen(23);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> x(5 * 8192 + 37);
    for (auto& v : x) v = uniform(gen);
    x[100] = 0x1.8p-62f;           // only in the third piece (bin 2 under 1.0's bin 4)
    x[9000] = -0x1.fffffep-40f;    // straddles the second and third pieces
    x[9001] = -0.0f;               // a zero whose remainder is -0: needs no third piece
    x[20000] = 1000.0f;            // raises the top bin in the middle of a block
    x[20001] = 0x1p-70f;           // below the window once the top is raised: dropped
    x[30000] = 0x1.000002p-35f;    // its last bit is in the third piece
    x[x.size() - 1] = 0x1p-61f;    // in the tail after the last full vectors
    BinnedAccumulator<float> scalar;
    for (float v : x) binned_deposit(scalar, v);
    const float expected = binned_finalize(scalar);
    for (const auto& s : k_settings) CHECK(bits(reduce_reproducible(x.data(), x.size(), s)) == bits(expected));
    // Values that cancel in pairs (j and 2m - 1 - j), 1 + 2^-24 (a tie: rounds to 1) and 2^-62,
    // which only the third piece holds and which breaks the tie upwards: dropping it gives 1.
    const std::size_t m = 3 * 8192;
    std::vector<float> tie(2 * m);
    for (std::size_t j = 0; j < m; ++j) tie[2 * m - 1 - j] = -(tie[j] = uniform(gen));
    tie[5] = 1.0f;
    tie[2 * m - 1 - 5] = 0.0f;
    tie.insert(tie.begin() + 12000, 0x1p-24f);
    tie.insert(tie.begin() + 20000, 0x1p-62f);
    for (const auto& s : k_settings) CHECK(reduce_reproducible(tie.data(), tie.size(), s) == 1.0f + 0x1p-23f);
    tie.erase(tie.begin() + 20000);
    CHECK(reduce_reproducible(tie.data(), tie.size(), k_settings[1]) == 1.0f);
}

TEST_CASE("exact f64: correctly rounded through the block path and the element path") {
    const CpuReduceKernel* exact = find_cpu_reduce_kernel("exact");
    REQUIRE(exact != nullptr);
    // Integers below 2^45 times 2^-30: the exact sum is an int64 sum (below 2^62), rounded once
    // by the int64 -> double conversion, an oracle independent of the accumulator.
    std::mt19937_64 rng(29);
    std::uniform_int_distribution<int64_t> grid(-(int64_t(1) << 45), int64_t(1) << 45);
    std::vector<double> x(70001);
    int64_t total = 0;
    for (auto& v : x) {
        const int64_t i = grid(rng);
        total += i;
        v = std::ldexp(static_cast<double>(i), -30);
    }
    const double expected = std::ldexp(static_cast<double>(total), -30);
    for (const auto& s : k_settings) CHECK(bits(exact->f64(x.data(), x.size(), s)) == bits(expected));
    // 1 + 2^-53 is a tie (rounds to 1); 2^-200, far below any piece window, breaks it upwards.
    std::vector<double> wide = {1.0, 0x1p-53, 0x1p-200};
    CHECK(exact->f64(wide.data(), wide.size(), k_settings[1]) == 1.0 + 0x1p-52);
    wide.pop_back();
    CHECK(exact->f64(wide.data(), wide.size(), k_settings[1]) == 1.0);
    const std::vector<double> cancel = {-0x1p1000, 0x1p1000, -0.75, 0x1p-1074};
    CHECK(exact->f64(cancel.data(), cancel.size(), k_settings[0]) == -0.75 + 0x1p-1074);
}
