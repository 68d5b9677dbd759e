// The scatter_add algorithms: sorted and reproducible give the same bits for any thread count,
// schedule (and, for reproducible, input order); per_thread reproduces for a fixed thread count;
// atomic is observed to differ; reproducible is correctly rounded against an exact oracle.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>
#include "grid_values.hpp"
#include "kernels/common/binned_sum.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/scatter_cpu.hpp"

using namespace detaudit::kernels;

namespace {

// Values whose f32 sums round (so every change of order shows).
std::vector<float> rounding_values(std::size_t n, unsigned seed) {
    std::vector<float> x = grid_values(n, seed);
    for (auto& v : x) v = v * 1000.0f + 0.1f;
    return x;
}

// Integers in [-8, 8]: f32 sums of fewer than 2^21 of them are exact in any order.
std::vector<float> small_integers(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> k(-8, 8);
    std::vector<float> x(n);
    for (auto& v : x) v = static_cast<float>(k(gen));
    return x;
}

std::vector<int64_t> uniform_index(std::size_t n, std::size_t nbins, unsigned seed) {
    std::mt19937_64 gen(seed);
    std::uniform_int_distribution<int64_t> bin(0, static_cast<int64_t>(nbins) - 1);
    std::vector<int64_t> index(n);
    for (auto& b : index) b = bin(gen);
    return index;
}

// `hot`: `fraction` of the indices in the first `hot_bins` bins, the rest uniform.
std::vector<int64_t> hot_index(std::size_t n, std::size_t nbins, std::size_t hot_bins, double fraction,
                               unsigned seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::uniform_int_distribution<int64_t> any(0, static_cast<int64_t>(nbins) - 1);
    std::uniform_int_distribution<int64_t> hot(0, static_cast<int64_t>(hot_bins) - 1);
    std::vector<int64_t> index(n);
    for (auto& b : index) b = u(gen) < fraction ? hot(gen) : any(gen);
    return index;
}

template <typename T>
using ScatterFn = void (*)(const T*, const int64_t*, std::size_t, T*, std::size_t, const CpuSettings&);

// Runs one algorithm into a fresh output pre-filled with NaN (so a bin it fails to set shows).
template <typename T>
std::vector<T> scatter(ScatterFn<T> f, const std::vector<T>& values, const std::vector<int64_t>& index,
                       std::size_t nbins, const CpuSettings& s) {
    REQUIRE(values.size() == index.size());
    std::vector<T> bins(nbins, std::numeric_limits<T>::quiet_NaN());
    f(values.data(), index.data(), values.size(), bins.data(), nbins, s);
    return bins;
}

// The left-to-right sum of each bin's elements in increasing i (empty bins +0): `sorted`'s
// definition, computed the obvious way.
template <typename T>
std::vector<T> left_to_right_reference(const std::vector<T>& values, const std::vector<int64_t>& index,
                                       std::size_t nbins) {
    std::vector<T> bins(nbins, T(0));
    std::vector<bool> started(nbins, false);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto b = static_cast<std::size_t>(index[i]);
        bins[b] = started[b] ? bins[b] + values[i] : values[i];
        started[b] = true;
    }
    return bins;
}

// Every bin's correctly rounded sum, from exact double sums (grid values only).
std::vector<float> exact_reference(const std::vector<float>& values, const std::vector<int64_t>& index,
                                   std::size_t nbins) {
    std::vector<double> sums(nbins, 0.0);
    for (std::size_t i = 0; i < values.size(); ++i) sums[static_cast<std::size_t>(index[i])] += values[i];
    std::vector<float> bins(nbins);
    for (std::size_t b = 0; b < nbins; ++b) bins[b] = static_cast<float>(sums[b]);
    return bins;
}

// The shared accumulator fed one element at a time, per bin: what `reproducible` must equal.
template <typename T>
std::vector<T> accumulator_reference(const std::vector<T>& values, const std::vector<int64_t>& index,
                                     std::size_t nbins) {
    std::vector<BinnedAccumulator<T>> acc(nbins);
    for (std::size_t i = 0; i < values.size(); ++i) binned_deposit(acc[static_cast<std::size_t>(index[i])], values[i]);
    std::vector<T> bins(nbins);
    for (std::size_t b = 0; b < nbins; ++b) bins[b] = binned_finalize(acc[b]);
    return bins;
}

// Bitwise equality, reporting the first differing bin.
template <typename T> std::string first_difference(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return "sizes differ";
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0)
            return "bin " + std::to_string(i) + ": " + std::to_string(a[i]) + " vs " + std::to_string(b[i]);
    return "";
}

// Thread counts 1..8 under each schedule.
std::vector<CpuSettings> all_settings() {
    std::vector<CpuSettings> out;
    for (int threads = 1; threads <= 8; ++threads)
        for (CpuSchedule schedule : {CpuSchedule::static_, CpuSchedule::dynamic, CpuSchedule::guided})
            out.push_back({threads, schedule});
    return out;
}

std::string describe(const CpuSettings& s) {
    const char* names[] = {"static", "dynamic", "guided"};
    return std::to_string(s.threads) + " threads, " + names[static_cast<int>(s.schedule)];
}

const CpuSettings k_two{2, CpuSchedule::static_};

} // namespace

TEST_CASE("scatter_add: a hand-checked example for every algorithm") {
    // bin 0: 1 + 3 + 0.5, bin 1: 5, bin 2: 2 + 4, bin 3: empty. Exact sums: every order agrees.
    const std::vector<float> values = {1, 2, 3, 4, 5, 0.5f};
    const std::vector<int64_t> index = {0, 2, 0, 2, 1, 0};
    const std::vector<float> expected = {4.5f, 5, 6, 0};
    for (auto f : {scatter_add_atomic<float>, scatter_add_per_thread<float>, scatter_add_sorted<float>,
                   scatter_add_reproducible<float>}) {
        const std::vector<float> bins = scatter(f, values, index, 4, k_two);
        CHECK(bins == expected);
        CHECK_FALSE(std::signbit(bins[3])); // an empty bin is +0, as the bins were zeroed
    }
    // Order matters in f32: 1e8 + 1 rounds back to 1e8. `sorted` adds left to right per bin;
    // `reproducible` gives the correctly rounded sum.
    const std::vector<float> big = {1e8f, 7.0f, 1.0f, -1e8f, 1.0f};
    const std::vector<int64_t> big_index = {0, 1, 0, 0, 0};
    CHECK(scatter(scatter_add_sorted<float>, big, big_index, 2, k_two) == std::vector<float>{1.0f, 7.0f});
    CHECK(scatter(scatter_add_reproducible<float>, big, big_index, 2, k_two) == std::vector<float>{2.0f, 7.0f});
    CHECK(scatter(scatter_add_per_thread<float>, big, big_index, 2, CpuSettings{1}) == std::vector<float>{1.0f, 7.0f});
    // A bin holding only -0.0: sorted copies it (its sum starts from the identity -0.0);
    // reproducible's integer sum is 0, which finalises to +0.
    const std::vector<float> zeros = {-0.0f, -0.0f};
    const std::vector<int64_t> zero_index = {1, 1};
    CHECK(std::signbit(scatter(scatter_add_sorted<float>, zeros, zero_index, 2, k_two)[1]));
    CHECK(std::signbit(scatter(scatter_add_sorted<float>, zeros, zero_index, 2, CpuSettings{1})[1]));
    CHECK_FALSE(std::signbit(scatter(scatter_add_reproducible<float>, zeros, zero_index, 2, k_two)[1]));
}

TEST_CASE("sorted: each bin's left-to-right sum, the same bits for every thread count and schedule") {
    struct Case {
        const char* name;
        std::size_t n, nbins;
        bool hot;
    };
    // Few bins, more bins than values, a hot index.
    for (const Case& c : {Case{"uniform", 100003, 1000, false}, Case{"more bins than values", 3000, 20000, false},
                          Case{"hot", 100003, 4096, true}}) {
        INFO(c.name);
        const std::vector<float> values = rounding_values(c.n, 21);
        const std::vector<int64_t> index =
            c.hot ? hot_index(c.n, c.nbins, 8, 0.9, 22) : uniform_index(c.n, c.nbins, 22);
        const std::vector<float> reference = left_to_right_reference(values, index, c.nbins);
        for (const CpuSettings& s : all_settings()) {
            INFO(describe(s));
            REQUIRE(first_difference(scatter(scatter_add_sorted<float>, values, index, c.nbins, s), reference) == "");
        }
    }
}

TEST_CASE("sorted: inputs longer than one partitioning chunk keep each bin's order across chunks") {
    const std::size_t n = (std::size_t(1) << 21) + 4099, nbins = 256; // two chunks of 2^21
    const std::vector<float> values = rounding_values(n, 23);
    const std::vector<int64_t> index = hot_index(n, nbins, 4, 0.5, 24);
    const std::vector<float> reference = left_to_right_reference(values, index, nbins);
    for (const CpuSettings& s : {CpuSettings{1, CpuSchedule::static_}, CpuSettings{2, CpuSchedule::dynamic},
                                 CpuSettings{3, CpuSchedule::guided}, CpuSettings{8, CpuSchedule::static_}}) {
        INFO(describe(s));
        CHECK(first_difference(scatter(scatter_add_sorted<float>, values, index, nbins, s), reference) == "");
    }
}

TEST_CASE("reproducible: correctly rounded per bin, the same bits for any threads, schedule and order") {
    // 1000 bins: private accumulators per thread. 30000 bins: too many for more than one thread's
    // private state, so 2+ threads share the bins out — both paths must give the oracle's bits.
    for (const std::size_t nbins : {std::size_t(1000), std::size_t(30000)}) {
        INFO(nbins << " bins");
        const std::size_t n = 100003;
        std::vector<float> values = grid_values(n, 31);
        std::vector<int64_t> index = uniform_index(n, nbins, 32);
        const std::vector<float> oracle = exact_reference(values, index, nbins);
        for (const CpuSettings& s : all_settings()) {
            INFO(describe(s));
            REQUIRE(first_difference(scatter(scatter_add_reproducible<float>, values, index, nbins, s), oracle) == "");
        }
        // Permuting the (value, index) pairs changes nothing.
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::mt19937 gen(33);
        for (int shuffle = 0; shuffle < 3; ++shuffle) {
            std::shuffle(order.begin(), order.end(), gen);
            std::vector<float> v(n);
            std::vector<int64_t> ix(n);
            for (std::size_t i = 0; i < n; ++i) {
                v[i] = values[order[i]];
                ix[i] = index[order[i]];
            }
            const CpuSettings s{1 + shuffle * 3, CpuSchedule::dynamic};
            REQUIRE(first_difference(scatter(scatter_add_reproducible<float>, v, ix, nbins, s), oracle) == "");
        }
    }
}

TEST_CASE("reproducible: equals the shared accumulator fed one element at a time, on wide-range data") {
    // Magnitudes over 2^-30 .. 2^20, and in half the bins a cancelling pair of ±1.5 * 2^60 that
    // sets the window: the small elements' low bits fall below it and are dropped, identically in
    // every order. The reference deposits in increasing i with binned_deposit; the kernel deposits
    // in other orders (per thread or per group of bins, then merged) with its own table of bin
    // scales. They must agree bit for bit.
    const std::size_t n = 50000, nbins = 300;
    std::vector<float> values = grid_values(n, 41);
    std::mt19937 gen(42);
    std::uniform_int_distribution<int> exponent(-30, 20);
    for (auto& v : values) v = std::ldexp(v, exponent(gen));
    std::vector<int64_t> index = hot_index(n, nbins, 3, 0.3, 43);
    std::uniform_int_distribution<std::size_t> position(0, n - 1);
    for (std::size_t b = 0; b < nbins; b += 2)
        for (const float big : {0x1.8p60f, -0x1.8p60f}) {
            const std::size_t at = position(gen);
            values.insert(values.begin() + static_cast<std::ptrdiff_t>(at), big);
            index.insert(index.begin() + static_cast<std::ptrdiff_t>(at), static_cast<int64_t>(b));
        }
    values[17] = FLT_TRUE_MIN;
    values[18] = -FLT_MAX;
    const std::vector<float> reference = accumulator_reference(values, index, nbins);
    for (const CpuSettings& s : {CpuSettings{1, CpuSchedule::static_}, CpuSettings{2, CpuSchedule::dynamic},
                                 CpuSettings{5, CpuSchedule::guided}, CpuSettings{8, CpuSchedule::static_}}) {
        INFO(describe(s));
        CHECK(first_difference(scatter(scatter_add_reproducible<float>, values, index, nbins, s), reference) == "");
        // The shared-out path, forced by more bins than values (the extra bins stay empty).
        CHECK(first_difference(scatter(scatter_add_reproducible<float>, values, index, 20 * n, s),
                               [&] {
                                   std::vector<float> r = reference;
                                   r.resize(20 * n, 0.0f);
                                   return r;
                               }()) == "");
    }
}

TEST_CASE("reproducible: bins shared out among threads, over several chunks, equal the private path") {
    // 3 * 2^18 bins: one thread's private state (32 bytes a bin) fits within the input's size
    // (12 bytes a value), two threads' does not, so 2+ threads share the bins out, over two
    // partitioning chunks of 2^21.
    const std::size_t n = (std::size_t(1) << 21) + (std::size_t(1) << 19), nbins = std::size_t(3) << 18;
    const std::vector<float> values = grid_values(n, 51);
    const std::vector<int64_t> index = hot_index(n, nbins, 8, 0.3, 52);
    const std::vector<float> oracle = exact_reference(values, index, nbins);
    for (const CpuSettings& s : {CpuSettings{1}, CpuSettings{2, CpuSchedule::dynamic}, CpuSettings{3, CpuSchedule::guided},
                                 CpuSettings{16, CpuSchedule::static_}}) {
        INFO(describe(s));
        CHECK(first_difference(scatter(scatter_add_reproducible<float>, values, index, nbins, s), oracle) == "");
    }
}

TEST_CASE("reproducible: NaN, infinities and zeros per bin") {
    const float inf = INFINITY;
    // bin: 0 NaN, 1 +Inf, 2 +Inf and -Inf, 3 -Inf with finite, 4 finite, 5 zeros, 6 empty.
    std::vector<float> values = {1.0f, NAN, inf, 2.0f, inf, -inf, -inf, 1e30f, 0x1p40f, 1.0f, -0x1p40f};
    std::vector<int64_t> index = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    for (int i = 0; i < 200; ++i) { // enough values for private per-thread state
        values.push_back(i % 2 ? -0.0f : 0.0f);
        index.push_back(5);
    }
    // 7 bins: private state up to 11 threads; 10007 bins: bins shared out (bins 7.. stay empty).
    for (const std::size_t nbins : {std::size_t(7), std::size_t(10007)}) {
        for (const CpuSettings& s : all_settings()) {
            INFO(nbins << " bins, " << describe(s));
            const std::vector<float> bins = scatter(scatter_add_reproducible<float>, values, index, nbins, s);
            CHECK(std::isnan(bins[0]));
            CHECK(bins[1] == inf);
            CHECK(std::isnan(bins[2]));
            CHECK(bins[3] == -inf);
            CHECK(bins[4] == 1.0f); // exact within the window
            CHECK((bins[5] == 0.0f && !std::signbit(bins[5])));
            CHECK((bins[6] == 0.0f && !std::signbit(bins[6])));
        }
    }
}

TEST_CASE("per_thread: the same bits run to run for a fixed thread count; one thread is left to right") {
    const std::size_t n = 100003, nbins = 512;
    const std::vector<float> values = rounding_values(n, 61);
    const std::vector<int64_t> index = hot_index(n, nbins, 4, 0.5, 62);
    for (const CpuSettings& s : {CpuSettings{3, CpuSchedule::static_}, CpuSettings{4, CpuSchedule::dynamic}}) {
        const std::vector<float> first = scatter(scatter_add_per_thread<float>, values, index, nbins, s);
        for (int run = 0; run < 5; ++run)
            CHECK(first_difference(scatter(scatter_add_per_thread<float>, values, index, nbins, s), first) == "");
    }
    const std::vector<float> one = scatter(scatter_add_per_thread<float>, values, index, nbins, CpuSettings{1});
    CHECK(first_difference(one, left_to_right_reference(values, index, nbins)) == "");
    // Two threads: each sums its half of i from +0, then bins = first half's + second half's.
    const std::size_t half = n / 2;
    std::vector<float> low(nbins, 0.0f), high(nbins, 0.0f), merged(nbins);
    for (std::size_t i = 0; i < half; ++i) low[static_cast<std::size_t>(index[i])] += values[i];
    for (std::size_t i = half; i < n; ++i) high[static_cast<std::size_t>(index[i])] += values[i];
    for (std::size_t b = 0; b < nbins; ++b) merged[b] = low[b] + high[b];
    CHECK(first_difference(scatter(scatter_add_per_thread<float>, values, index, nbins, k_two), merged) == "");
    // Another thread count groups the additions differently, and these values round differently.
    CHECK(first_difference(scatter(scatter_add_per_thread<float>, values, index, nbins, CpuSettings{3}), one) != "");
}

TEST_CASE("atomic: observed to differ between runs with 4 threads on a hot index (bounded retries)") {
    const std::size_t n = std::size_t(1) << 20, nbins = 1024;
    const std::vector<float> values = rounding_values(n, 71);
    const std::vector<int64_t> index = hot_index(n, nbins, 4, 0.9, 72); // contention on 4 bins
    const CpuSettings s{4, CpuSchedule::dynamic};
    const std::vector<float> first = scatter(scatter_add_atomic<float>, values, index, nbins, s);
    // Arrival order varies only when threads really run at once: retry for up to 20 s.
    bool differed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!differed && std::chrono::steady_clock::now() < deadline)
        differed = first_difference(scatter(scatter_add_atomic<float>, values, index, nbins, s), first) != "";
    CHECK(differed);
    // Whatever the order, every add happened: small integers sum exactly in any order.
    const std::vector<float> integers = small_integers(n, 73);
    const std::vector<int64_t> spread = uniform_index(n, 64, 74);
    CHECK(first_difference(scatter(scatter_add_atomic<float>, integers, spread, 64, s),
                           exact_reference(integers, spread, 64)) == "");
}

TEST_CASE("scatter_add f64: sorted and reproducible invariance, exactness and the small example") {
    const std::size_t n = 60000, nbins = 700;
    std::mt19937_64 gen(81);
    std::uniform_int_distribution<int64_t> k(-(int64_t(1) << 40), int64_t(1) << 40);
    std::vector<double> values(n);
    std::vector<long double> exact(nbins, 0.0L); // integer sums below 2^56: exact in long double
    const std::vector<int64_t> index = uniform_index(n, nbins, 82);
    for (std::size_t i = 0; i < n; ++i) {
        const int64_t m = k(gen);
        values[i] = static_cast<double>(m) * 0x1p-30;
        exact[static_cast<std::size_t>(index[i])] += static_cast<long double>(m);
    }
    std::vector<double> oracle(nbins);
    for (std::size_t b = 0; b < nbins; ++b) oracle[b] = static_cast<double>(exact[b]) * 0x1p-30;
    std::vector<double> rounding = values;
    for (auto& v : rounding) v = v * 1e3 + 0.1;
    const std::vector<double> left_to_right = left_to_right_reference(rounding, index, nbins);
    for (const CpuSettings& s : all_settings()) {
        INFO(describe(s));
        REQUIRE(first_difference(scatter(scatter_add_reproducible<double>, values, index, nbins, s), oracle) == "");
        REQUIRE(first_difference(scatter(scatter_add_sorted<double>, rounding, index, nbins, s), left_to_right) == "");
    }
    CHECK(first_difference(scatter(scatter_add_reproducible<double>, values, index, 200 * nbins, k_two),
                           [&] {
                               std::vector<double> r = oracle;
                               r.resize(200 * nbins, 0.0);
                               return r;
                           }()) == "");
    CHECK(first_difference(scatter(scatter_add_per_thread<double>, rounding, index, nbins, CpuSettings{1}),
                           left_to_right) == "");
    CHECK(first_difference(scatter(scatter_add_atomic<double>, values, index, nbins, CpuSettings{4}), oracle) == "");
    const std::vector<double> tiny = {DBL_TRUE_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN * 4, 1e300, -1e300};
    const std::vector<int64_t> tiny_index = {0, 0, 0, 1, 1};
    CHECK(scatter(scatter_add_reproducible<double>, tiny, tiny_index, 2, k_two) ==
          std::vector<double>{-2 * DBL_TRUE_MIN, 0.0});
}

TEST_CASE("scatter_add: one bin, and every index equal, match the plain sums") {
    const std::vector<float> values = rounding_values(30011, 91);
    const std::vector<int64_t> zero(values.size(), 0);
    const float sequential = reduce_sequential(values.data(), values.size());
    const float reproducible = reduce_reproducible(values.data(), values.size(), CpuSettings{1});
    for (const CpuSettings& s : {CpuSettings{1}, CpuSettings{3, CpuSchedule::guided}, CpuSettings{8}}) {
        INFO(describe(s));
        CHECK(scatter(scatter_add_sorted<float>, values, zero, 1, s)[0] == sequential);
        // The same accumulator as the reproducible reduce: the same bits.
        CHECK(scatter(scatter_add_reproducible<float>, values, zero, 1, s)[0] == reproducible);
        // Every index equal, several bins: the others stay +0.
        const std::vector<int64_t> threes(values.size(), 3);
        const std::vector<float> bins = scatter(scatter_add_sorted<float>, values, threes, 5, s);
        CHECK(bins == std::vector<float>{0, 0, 0, sequential, 0});
        CHECK(scatter(scatter_add_reproducible<float>, values, threes, 5, s) ==
              std::vector<float>{0, 0, 0, reproducible, 0});
    }
    CHECK(scatter(scatter_add_per_thread<float>, values, zero, 1, CpuSettings{1})[0] == sequential);
    const std::vector<float> integers = small_integers(values.size(), 92);
    const auto exact = static_cast<float>(std::accumulate(integers.begin(), integers.end(), 0.0));
    CHECK(scatter(scatter_add_atomic<float>, integers, zero, 1, CpuSettings{4})[0] == exact);
}

TEST_CASE("scatter_add: fewer values than threads, and no values at all") {
    const std::vector<float> values = {0.25f, -1.5f, 4.0f};
    const std::vector<int64_t> index = {1, 0, 1};
    const CpuSettings eight{8, CpuSchedule::dynamic};
    for (auto f : {scatter_add_atomic<float>, scatter_add_per_thread<float>, scatter_add_sorted<float>,
                   scatter_add_reproducible<float>}) {
        CHECK(scatter(f, values, index, 3, eight) == std::vector<float>{-1.5f, 4.25f, 0.0f});
        CHECK(scatter(f, {}, {}, 4, eight) == std::vector<float>(4, 0.0f)); // zeroed, not left as NaN
    }
}
