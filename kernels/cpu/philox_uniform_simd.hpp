// The `philox` f32 uniform stream written with explicit vector code per ISA. Philox needs a
// 32x32->64 multiply per word; GCC's own vectorisation of the scalar rounds widens to 64-bit lanes
// and multiplies with vpmullq (64x64), which is slow on AMD's AVX-512, so the rounds here use
// vpmuludq (_mm*_mul_epu32) directly. Every ISA writes the same bits as the scalar
// kernels/common/philox.hpp + uniform_f32 (tests/unit/test_philox_simd.cpp checks each one).
#pragma once
#include <cstddef>
#include <cstdint>

namespace detaudit::kernels {

enum class PhiloxIsa { generic, avx2, avx512 };

// The widest ISA this CPU runs (checked once, at the first call).
PhiloxIsa philox_best_isa();
bool philox_isa_supported(PhiloxIsa isa);

// out[4 * i + j] = uniform_f32(word j of Philox block first_block + i) for i < blocks, computed
// with `isa`'s code (which the caller checked with philox_isa_supported).
void philox_uniform_f32_blocks(PhiloxIsa isa, uint64_t seed, uint64_t first_block,
                               std::size_t blocks, float* out);

} // namespace detaudit::kernels
