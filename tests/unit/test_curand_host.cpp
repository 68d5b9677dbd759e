// The cpu `curand` algorithm against libcurand's host generator called directly, for several seeds,
// offsets and lengths, and its uniform words against an independent model built on
// kernels/common's Philox (how cuRAND's host generator lays out its stream). Built only with the
// CUDA toolkit (libcurand); no GPU is needed.
#include <catch2/catch.hpp>
#include <curand.h>
#include <cstring>
#include <vector>
#include "backends/cpu_backend.hpp"
#include "catalog/catalog.hpp"
#include "kernels/common/philox.hpp"
#include "backends/cuda_plugin_loader.hpp"
#include "kernels/cuda/cuda_plugin_abi.hpp"
#include "scenario/scenario_parser.hpp"

using namespace detaudit;
using namespace detaudit::kernels;

namespace {

// What libcurand's host generator gives, with no detaudit code in between.
template <typename T> std::vector<T> libcurand(Distribution d, uint64_t seed, uint64_t offset, std::size_t n) {
    curandGenerator_t g;
    REQUIRE(curandCreateGeneratorHost(&g, CURAND_RNG_PSEUDO_PHILOX4_32_10) == CURAND_STATUS_SUCCESS);
    REQUIRE(curandSetPseudoRandomGeneratorSeed(g, seed) == CURAND_STATUS_SUCCESS);
    REQUIRE(curandSetGeneratorOffset(g, offset) == CURAND_STATUS_SUCCESS);
    std::vector<T> out(n);
    curandStatus_t s;
    if constexpr (sizeof(T) == 4)
        s = d == Distribution::uniform ? curandGenerateUniform(g, out.data(), n)
                                       : curandGenerateNormal(g, out.data(), n, 0.0f, 1.0f);
    else
        s = d == Distribution::uniform ? curandGenerateUniformDouble(g, out.data(), n)
                                       : curandGenerateNormalDouble(g, out.data(), n, 0.0, 1.0);
    REQUIRE(s == CURAND_STATUS_SUCCESS);
    curandDestroyGenerator(g);
    return out;
}

template <typename T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b, std::size_t n) {
    return a.size() >= n && b.size() >= n && std::memcmp(a.data(), b.data(), n * sizeof(T)) == 0;
}

// detaudit's cpu `curand`: cuRAND's host generator as the CUDA plugin runs it.
template <typename T> void curand_via_plugin(Distribution d, uint64_t seed, uint64_t offset, T* out, std::size_t n) {
    const CudaPluginState& loaded = cuda_plugin();
    INFO(cuda_plugin_summary(loaded));
    REQUIRE(loaded.plugin != nullptr);
    loaded.plugin->curand_host(d, seed, offset, out, n);
}

// Observed layout of cuRAND's host Philox generator (default ordering, CUDA 13): word q of its
// stream (q = offset + position) is word q mod 4 of the Philox block with counter
// (q div 2^18, 0, (q div 4) mod 2^16, 0) — 65536 subsequences (curand_init's), each advanced one
// block per 2^18 words. Our `philox` stream is subsequence 0 read in order, so the two differ
// from word 4 on.
uint32_t host_generator_word(uint64_t seed, uint64_t q) {
    const uint64_t pass = q >> 18, subsequence = (q >> 2) & 0xffff;
    const Philox4x32 ctr{{static_cast<uint32_t>(pass), static_cast<uint32_t>(pass >> 32),
                          static_cast<uint32_t>(subsequence), 0u}};
    return philox4x32(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)).v[q & 3];
}

const uint64_t k_seeds[] = {0, 42, 0xdeadbeefcafef00dull};
const uint64_t k_offsets[] = {0, 1, 3, 4, 262143, 1234567};
const std::size_t k_lengths[] = {1, 7, 1000, 262145};

} // namespace

TEST_CASE("cpu curand equals libcurand's host generator (uniform and normal, f32 and f64)") {
    for (uint64_t seed : k_seeds)
        for (uint64_t offset : k_offsets)
            for (std::size_t n : k_lengths) {
                INFO("seed " << seed << " offset " << offset << " n " << n);
                for (Distribution d : {Distribution::uniform, Distribution::normal}) {
                    // cuRAND's normal generators need an even length: compare with the next one.
                    const std::size_t ask = d == Distribution::normal ? n + n % 2 : n;
                    std::vector<float> f(n);
                    curand_via_plugin(d, seed, offset, f.data(), n);
                    CHECK(same_bits(f, libcurand<float>(d, seed, offset, ask), n));
                    std::vector<double> g(n);
                    curand_via_plugin(d, seed, offset, g.data(), n);
                    CHECK(same_bits(g, libcurand<double>(d, seed, offset, ask), n));
                }
            }
}

TEST_CASE("cpu curand uniform f32: cuRAND's host Philox stream, rebuilt from kernels/common") {
    for (uint64_t seed : k_seeds)
        for (uint64_t offset : k_offsets) {
            const std::size_t n = 300001; // crosses the 2^18-word pass boundary
            std::vector<float> f(n);
            curand_via_plugin(Distribution::uniform, seed, offset, f.data(), n);
            std::size_t mismatches = 0;
            for (std::size_t i = 0; i < n; ++i)
                mismatches += f[i] != uniform_f32(host_generator_word(seed, offset + i));
            INFO("seed " << seed << " offset " << offset);
            CHECK(mismatches == 0);
        }
}

TEST_CASE("cpu curand: the first four words are philox's, the rest are not (documented difference)") {
    std::vector<float> curand(8), philox(8);
    curand_via_plugin(Distribution::uniform, 42, 0, curand.data(), 8);
    for (std::size_t i = 0; i < 8; ++i) philox[i] = uniform_f32(philox_word(42, i));
    CHECK(same_bits(curand, philox, 4));
    CHECK_FALSE(same_bits(std::vector<float>(curand.begin() + 4, curand.end()),
                          std::vector<float>(philox.begin() + 4, philox.end()), 4));
}

TEST_CASE("cpu curand through the backend: the op's seed and offset reach cuRAND") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "seed": 1234, "runs": 2, "operations": [
        {"id": "u", "op": "rng", "algorithm": "curand", "count": 999, "dtype": "f64", "offset": 17},
        {"id": "n", "op": "rng", "algorithm": "curand", "count": 5, "distribution": "normal", "seed": 9}]})",
                                           "curand.json");
    CpuBackend cpu;
    OpInputs none;
    const OpSpec& u = s.operations.at(0);
    REQUIRE(cpu.supports(u));
    cpu.prepare(u, none);
    Buffer out(DType::f64, {999});
    Variant v;
    v.settings = {{"cpu.threads", 2}};
    cpu.run(u, v, out);
    const auto expected = libcurand<double>(Distribution::uniform, 1234, 17, 999);
    CHECK(std::memcmp(out.data(), expected.data(), 999 * sizeof(double)) == 0);

    const OpSpec& n = s.operations.at(1);
    cpu.prepare(n, none);
    Buffer normal(DType::f32, {5});
    cpu.run(n, v, normal);
    const auto expected_normal = libcurand<float>(Distribution::normal, 9, 0, 6);
    CHECK(std::memcmp(normal.data(), expected_normal.data(), 5 * sizeof(float)) == 0);
}

TEST_CASE("offset is curand's parameter only") {
    CHECK_THROWS_WITH(parse_scenario_text(R"({"detaudit": 1, "operations": [
        {"id": "p", "op": "rng", "algorithm": "philox", "offset": 3}]})", "x.json"),
                      Catch::Contains("/operations/0/offset") && Catch::Contains("only"));
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "operations": [
        {"id": "p", "op": "rng", "algorithm": "philox"}, {"id": "c", "op": "rng", "algorithm": "curand"}]})", "x.json");
    CHECK_FALSE(s.operations[0].params.contains("offset"));
    CHECK(s.operations[1].params.at("offset") == 0);
    REQUIRE(cuda_plugin().plugin != nullptr);
    CHECK(cuda_plugin().plugin->library_versions().loaded_curand > 0);
}
