// Philox4x32-10 against the Random123 known-answer vectors, and the rng op's element mapping.
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>
#include "kernels/common/philox.hpp"
#include "kernels/cpu/rng_cpu.hpp"

using namespace detaudit::kernels;

TEST_CASE("Philox4x32 matches every Random123 known-answer vector (7 and 10 rounds)") {
    std::ifstream in(DETAUDIT_TEST_DATA "/philox4x32_kat.txt");
    REQUIRE(in);
    int checked = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string name;
        int rounds;
        uint32_t ctr[4], key[2], expected[4];
        fields >> name >> std::dec >> rounds >> std::hex;
        for (auto& c : ctr) fields >> c;
        for (auto& k : key) fields >> k;
        for (auto& e : expected) fields >> e;
        REQUIRE(fields);
        const Philox4x32 out = philox4x32(Philox4x32{{ctr[0], ctr[1], ctr[2], ctr[3]}}, key[0], key[1], rounds);
        for (int i = 0; i < 4; ++i) CHECK(out.v[i] == expected[i]);
        ++checked;
    }
    CHECK(checked == 6);
}

TEST_CASE("philox_block: 128-bit little-endian counter and key (seed low, seed high)") {
    // The all-ones key and counter row of the vectors, reached through the seed/counter mapping.
    const uint64_t seed = 0xffffffffffffffffull;
    const Philox4x32 direct = philox4x32(Philox4x32{{0x12345678u, 0x9abcdef0u, 0, 0}}, 0xffffffffu, 0xffffffffu);
    const Philox4x32 mapped = philox_block(seed, 0x9abcdef012345678ull);
    for (int i = 0; i < 4; ++i) CHECK(direct.v[i] == mapped.v[i]);
    CHECK(philox_word(7, 9) == philox_block(7, 2).v[1]);
}

TEST_CASE("cuRAND conversions: uniform in (0, 1], f64 from 53 bits") {
    CHECK(uniform_f32(0) == 0x1p-33f);
    CHECK(uniform_f32(0xffffffffu) == 1.0f); // float(2^32 - 1) rounds to 2^32
    CHECK(uniform_f32(0x80000000u) == 0.5f + 0x1p-33f);
    CHECK(uniform_f64(0, 0) == 0x1p-54);
    // z = x ^ (y << 21), then z * 2^-53 + 2^-54.
    CHECK(uniform_f64(1, 0) == 0x1p-53 + 0x1p-54);
    CHECK(uniform_f64(0, 1) == 0x1p-32 + 0x1p-54);
    CHECK(uniform_f64(1u << 21, 1) == 0x1p-54); // the xor cancels
}

TEST_CASE("rng philox: element i is uniform_f32(word i), for any thread count and a ragged tail") {
    const std::size_t count = 4099;
    for (int threads : {1, 2, 3, 8}) {
        std::vector<float> out(count);
        rng_philox(Distribution::uniform, 42, out.data(), count, CpuSettings{threads, CpuSchedule::static_});
        for (std::size_t i = 0; i < count; ++i) REQUIRE(out[i] == uniform_f32(philox_word(42, i)));
    }
    std::vector<double> d(5);
    rng_philox(Distribution::uniform, 3, d.data(), d.size(), CpuSettings{2, CpuSchedule::static_});
    for (std::size_t i = 0; i < d.size(); ++i)
        CHECK(d[i] == uniform_f64(philox_word(3, 2 * i), philox_word(3, 2 * i + 1)));
}

TEST_CASE("rng philox normal: Box-Muller pairs from consecutive words, finite, plausible moments") {
    const std::size_t count = 20001;
    std::vector<float> out(count);
    rng_philox(Distribution::normal, 5, out.data(), count, CpuSettings{2, CpuSchedule::static_});
    const NormalPairF32 first = box_muller_f32(philox_word(5, 0), philox_word(5, 1));
    CHECK(out[0] == first.first);
    CHECK(out[1] == first.second);
    double mean = 0, var = 0;
    for (float x : out) {
        REQUIRE(std::isfinite(x));
        mean += x;
    }
    mean /= count;
    for (float x : out) var += (x - mean) * (x - mean);
    var /= count;
    CHECK(std::fabs(mean) < 0.05);
    CHECK(std::fabs(var - 1) < 0.05);
}

TEST_CASE("rng shared_state: one thread reproduces philox; several threads permute the same values") {
    const std::size_t count = 1 << 16;
    std::vector<float> philox(count), shared(count);
    rng_philox(Distribution::uniform, 9, philox.data(), count, CpuSettings{1, CpuSchedule::static_});
    rng_shared_state(Distribution::uniform, 9, shared.data(), count, CpuSettings{1, CpuSchedule::static_});
    CHECK(philox == shared);

    // Threads must actually run at the same time to interleave their draws; on a loaded machine
    // that can take a while, so retry for up to 20 s.
    bool differed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!differed && std::chrono::steady_clock::now() < deadline) {
        rng_shared_state(Distribution::uniform, 9, shared.data(), count, CpuSettings{4, CpuSchedule::static_});
        differed = shared != philox;
    }
    REQUIRE(differed);
    std::vector<float> a = philox, b = shared;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    CHECK(a == b);
}

TEST_CASE("philox4x32_lanes gives the same bits as philox4x32 in every lane") {
    uint32_t ctr[4][5];
    for (std::size_t l = 0; l < 5; ++l)
        for (std::size_t w = 0; w < 4; ++w) ctr[w][l] = static_cast<uint32_t>(0x243f6a88u * (l + 1) + w * 0x85a308d3u);
    uint32_t copy[4][5];
    std::memcpy(copy, ctr, sizeof ctr);
    philox4x32_lanes(ctr, 0xa4093822u, 0x299f31d0u);
    for (std::size_t l = 0; l < 5; ++l) {
        const Philox4x32 one = philox4x32(Philox4x32{{copy[0][l], copy[1][l], copy[2][l], copy[3][l]}}, 0xa4093822u, 0x299f31d0u);
        for (std::size_t w = 0; w < 4; ++w) CHECK(ctr[w][l] == one.v[w]);
    }
}
