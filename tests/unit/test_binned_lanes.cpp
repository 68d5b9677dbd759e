// kernels/common/binned_lanes.hpp, the GPU scatter_add `reproducible` warp-per-bin procedure, run
// on the CPU: 32 strided lane accumulators merged in the fixed tree give the bits of depositing
// the segment in input order (and of the cpu scatter_add `reproducible` for a single bin), for
// lengths around multiples of 32, mixed magnitudes, cancellation, signed zeros, infinities, NaN;
// and the reduce pass 1's warp tiles give the cpu reduce `reproducible`'s bits.
#include "kernels/common/binned_lanes.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/scatter_cpu.hpp"
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace detaudit::kernels;

namespace {

template <typename T> T in_order(const std::vector<T>& x) {
    BinnedAccumulator<T> acc;
    for (T v : x)
        binned_deposit(acc, v);
    return binned_finalize(acc);
}

template <typename T> bool same_bits(T a, T b) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <typename T> std::vector<T> values(std::size_t n, unsigned seed, int spread) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
    std::uniform_int_distribution<int> exponent(-spread, spread);
    std::vector<T> x(n);
    for (auto& v : x)
        v = static_cast<T>(std::ldexp(mantissa(rng), exponent(rng)));
    return x;
}

template <typename T> void check_lengths() {
    for (const std::size_t n : {0, 1, 2, 31, 32, 33, 63, 64, 65, 1000, 4097})
        for (const int spread : {0, 20, 60}) {
            const std::vector<T> x = values<T>(n, static_cast<unsigned>(n * 7 + spread), spread);
            INFO("sizeof(T) " << sizeof(T) << " n " << n << " spread " << spread);
            const T lanes = binned_segment_sum_by_lanes(x.data(), x.size());
            CHECK(same_bits(lanes, in_order(x)));
            // The cpu scatter_add `reproducible` with every value in bin 0.
            const std::vector<int64_t> index(n, 0);
            T bin = T(1);
            scatter_add_reproducible(x.data(), index.data(), n, &bin, 1, CpuSettings{});
            CHECK(same_bits(lanes, n == 0 ? T(0) : bin));
        }
}

} // namespace

TEST_CASE("binned sum by 32 lanes: the bits of the in-order deposit and of the cpu scatter_add") {
    check_lengths<float>();
    check_lengths<double>();
}

TEST_CASE("binned sum by 32 lanes: cancellation, signed zeros and non-finite values") {
    std::vector<double> x(100, 0.0);
    x[3] = 1e300;
    x[40] = -1e300;
    x[77] = 1e-300;
    CHECK(same_bits(binned_segment_sum_by_lanes(x.data(), x.size()), in_order(x)));
    std::vector<float> zeros(70, -0.0f);
    CHECK(same_bits(binned_segment_sum_by_lanes(zeros.data(), zeros.size()), in_order(zeros)));
    std::vector<float> inf(65, 1.0f);
    inf[64] = std::numeric_limits<float>::infinity();
    CHECK(std::isinf(binned_segment_sum_by_lanes(inf.data(), inf.size())));
    CHECK(same_bits(binned_segment_sum_by_lanes(inf.data(), inf.size()), in_order(inf)));
    inf[5] = -std::numeric_limits<float>::infinity();
    CHECK(same_bits(binned_segment_sum_by_lanes(inf.data(), inf.size()), in_order(inf)));
    inf[6] = std::numeric_limits<float>::quiet_NaN();
    CHECK(std::isnan(binned_segment_sum_by_lanes(inf.data(), inf.size())));
}

TEST_CASE(
    "reduce reproducible by warp tiles (lane l takes l, l + 32, ...): the cpu reduce's bits") {
    for (const std::size_t n : {1, 31, 255, 256, 257, 5000, 70001})
        for (const std::size_t warps : {1, 3, 64}) {
            const auto f = values<float>(n, static_cast<unsigned>(n + warps), 30);
            const auto d = values<double>(n, static_cast<unsigned>(n * 3 + warps), 200);
            INFO("n " << n << " warps " << warps);
            CHECK(same_bits(binned_sum_by_warp_tiles(f.data(), n, warps),
                            reduce_reproducible(f.data(), n, CpuSettings{})));
            CHECK(same_bits(binned_sum_by_warp_tiles(d.data(), n, warps),
                            reduce_reproducible(d.data(), n, CpuSettings{})));
        }
    std::vector<double> special(600, 1.5);
    special[300] = std::numeric_limits<double>::infinity();
    CHECK(same_bits(binned_sum_by_warp_tiles(special.data(), special.size(), 2),
                    reduce_reproducible(special.data(), special.size(), CpuSettings{})));
}
