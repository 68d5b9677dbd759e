// The per-ISA Philox f32 uniform kernels (kernels/cpu/philox_uniform_simd) against the scalar
// stream of kernels/common/philox.hpp, bit for bit: every ISA this CPU runs, counters whose low
// word wraps inside a vector group, unaligned outputs and ragged block counts.
#include "kernels/common/philox.hpp"
#include "kernels/cpu/philox_uniform_simd.hpp"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

using namespace detaudit::kernels;

namespace {

// Index of the first value that differs from the scalar stream in bits, or -1.
long first_mismatch(uint64_t seed, uint64_t first_block, std::size_t blocks, const float* out) {
    for (std::size_t i = 0; i < blocks; ++i) {
        const Philox4x32 r = philox_block(seed, first_block + i);
        for (std::size_t j = 0; j < 4; ++j) {
            const float expected = uniform_f32(r.v[j]);
            if (std::memcmp(&expected, &out[4 * i + j], sizeof(float)) != 0)
                return static_cast<long>(4 * i + j);
        }
    }
    return -1;
}

} // namespace

TEST_CASE("philox f32 uniform: every supported ISA writes the scalar stream's bits") {
    CHECK(philox_isa_supported(PhiloxIsa::generic));
    CHECK(philox_isa_supported(philox_best_isa()));
    const uint64_t seeds[] = {0, 42, 0xdeadbeefcafef00dull, ~0ull};
    // Block counters from 0, just below a low-word wrap (2^32 - 40: the wrap falls inside a vector
    // group) and far into the high word.
    const uint64_t firsts[] = {0, 5, 0xffffffffull - 40, 0x123456789abcull};
    for (PhiloxIsa isa : {PhiloxIsa::generic, PhiloxIsa::avx2, PhiloxIsa::avx512}) {
        if (!philox_isa_supported(isa)) continue;
        CAPTURE(static_cast<int>(isa));
        for (uint64_t seed : seeds)
            for (uint64_t first : firsts)
                for (std::size_t offset : {0, 1, 3}) // floats: 0 is 64-byte aligned
                    for (std::size_t blocks : {0, 1, 31, 32, 33, 257}) {
                        CAPTURE(seed, first, offset, blocks);
                        std::vector<float> buffer(4 * blocks + 16 + 4, -1.0f);
                        const auto address = reinterpret_cast<std::uintptr_t>(buffer.data());
                        const std::size_t align = (64 - address % 64) % 64 / sizeof(float);
                        float* out = buffer.data() + align + offset;
                        philox_uniform_f32_blocks(isa, seed, first, blocks, out);
                        CHECK(first_mismatch(seed, first, blocks, out) == -1);
                        CHECK(out[4 * blocks] == -1.0f); // nothing written past the end
                    }
    }
}
