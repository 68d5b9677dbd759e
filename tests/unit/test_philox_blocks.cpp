// kernels/common/philox_blocks.hpp: the GPU `philox` kernel's thread-per-block layout. Rebuilding
// every element of the cpu `philox` output (which defines the bits; tests/gpu compares the GPU's
// with it) block by block through philox_block_word_of gives the same bits, for both dtypes and
// distributions and ragged tails, so storing a block's values as one float4/double2 changes only
// the store width.
#include "kernels/common/philox.hpp"
#include "kernels/common/philox_blocks.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

using namespace detaudit::kernels;

namespace {

// Element `slot` of block `b`, computed as the GPU kernel does (host math functions).
template <typename T> T block_value(bool normal, uint64_t seed, uint64_t b, unsigned slot) {
    const Philox4x32 r = philox_block(seed, b);
    const uint32_t* w = r.v + philox_block_word_of<T>(normal, slot);
    if constexpr (sizeof(T) == 4) {
        if (!normal) return uniform_f32(w[0]);
        const NormalPairF32 p = box_muller_f32(w[0], w[1]);
        return slot % 2 == 0 ? p.first : p.second;
    } else {
        if (!normal) return uniform_f64(w[0], w[1]);
        const NormalPairF64 p = box_muller_f64(w[0], w[1], w[2], w[3]);
        return slot % 2 == 0 ? p.first : p.second;
    }
}

template <typename T> void check_layout(bool normal) {
    constexpr unsigned per_block = k_philox_values_per_block<T>;
    CHECK(per_block == philox_draws_per_block<T>(normal) * philox_values_per_draw<T>(normal));
    for (const std::size_t count :
         {std::size_t(1), std::size_t(3), std::size_t(4), std::size_t(5), std::size_t(1001)})
        for (const uint64_t seed : {uint64_t(0), uint64_t(42), uint64_t(0xdeadbeefcafef00d)}) {
            std::vector<T> cpu(count);
            rng_philox<T>(normal ? Distribution::normal : Distribution::uniform, seed, cpu.data(),
                          count, CpuSettings{});
            std::vector<T> blocks(count);
            for (std::size_t i = 0; i < count; ++i)
                blocks[i] = block_value<T>(normal, seed, i / per_block, i % per_block);
            INFO("sizeof(T) " << sizeof(T) << " normal " << normal << " count " << count << " seed "
                              << seed);
            CHECK(std::memcmp(cpu.data(), blocks.data(), count * sizeof(T)) == 0);
        }
}

} // namespace

TEST_CASE("philox by blocks: the per-block layout gives the cpu philox bits, f32 and f64, uniform "
          "and normal") {
    check_layout<float>(false);
    check_layout<float>(true);
    check_layout<double>(false);
    check_layout<double>(true);
}
