#include "rng_cpu.hpp"
#include <atomic>
#include "../common/philox.hpp"
#include "../common/rng_layout.hpp"
#include "vector_clones.hpp"

namespace detaudit::kernels {
namespace {

// One draw of the stream (kernels/common/rng_layout.hpp) into `slots` (1, or 2 for a pair).
template <typename T>
void draw_values(Distribution d, uint64_t seed, uint64_t first_word, T* out, std::size_t slots) {
    const DrawWords drawn = draw_words(seed, first_word);
    const uint32_t* w = drawn.words();
    if (d == Distribution::uniform) {
        out[0] = uniform_of<T>(w);
        return;
    }
    if constexpr (sizeof(T) == 4) {
        const NormalPairF32 p = box_muller_f32(w[0], w[1]);
        out[0] = p.first;
        if (slots > 1) out[1] = p.second;
    } else {
        const NormalPairF64 p = box_muller_f64(w[0], w[1], w[2], w[3]);
        out[0] = p.first;
        if (slots > 1) out[1] = p.second;
    }
}

DETAUDIT_VECTOR_CLONES void philox_uniform_f32_blocks(uint64_t seed, float* out, std::size_t first_block,
                                                      std::size_t end_block) {
    constexpr std::size_t k_group = 64;
    std::size_t b = first_block;
    for (; b + k_group <= end_block; b += k_group) {
        uint32_t ctr[4][k_group];
        for (std::size_t l = 0; l < k_group; ++l) {
            ctr[0][l] = static_cast<uint32_t>(b + l);
            ctr[1][l] = static_cast<uint32_t>(static_cast<uint64_t>(b + l) >> 32);
            ctr[2][l] = 0;
            ctr[3][l] = 0;
        }
        philox4x32_lanes(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
        for (std::size_t l = 0; l < k_group; ++l)
            for (std::size_t j = 0; j < 4; ++j) out[4 * (b + l) + j] = uniform_f32(ctr[j][l]);
    }
    for (; b < end_block; ++b) {
        const Philox4x32 r = philox_block(seed, b);
        for (int j = 0; j < 4; ++j) out[4 * b + j] = uniform_f32(r.v[j]);
    }
}

} // namespace

template <typename T>
void rng_philox(Distribution distribution, uint64_t seed, T* out, std::size_t count,
                const CpuSettings& settings) {
    const DrawLayout layout = draw_layout<T>(distribution);
    const std::size_t per_draw = layout.values;
    const uint64_t words = layout.words;
    const std::size_t draws = draw_count(layout, count);
    if constexpr (sizeof(T) == 4) {
        if (distribution == Distribution::uniform) {
            const std::size_t full_blocks = count / 4;
            constexpr std::size_t k_span = 4096; // blocks per parallel task
#pragma omp parallel for schedule(static) num_threads(settings.threads)
            for (std::size_t b = 0; b < full_blocks; b += k_span)
                philox_uniform_f32_blocks(seed, out, b, std::min(full_blocks, b + k_span));
            for (std::size_t i = full_blocks * 4; i < count; ++i)
                out[i] = uniform_f32(philox_word(seed, i));
            return;
        }
    }
#pragma omp parallel for schedule(static) num_threads(settings.threads)
    for (std::size_t d = 0; d < draws; ++d) {
        const std::size_t slot = d * per_draw;
        draw_values<T>(distribution, seed, d * words, out + slot, std::min(per_draw, count - slot));
    }
}

template <typename T>
void rng_shared_state(Distribution distribution, uint64_t seed, T* out, std::size_t count,
                      const CpuSettings& settings) {
    const DrawLayout layout = draw_layout<T>(distribution);
    const std::size_t per_draw = layout.values;
    const uint64_t words = layout.words;
    const std::size_t draws = draw_count(layout, count);
    std::atomic<uint64_t> next_draw{0}; // the shared generator state
    apply_openmp_schedule(settings);
#pragma omp parallel for schedule(runtime) num_threads(settings.threads)
    for (std::size_t d = 0; d < draws; ++d) {
        const uint64_t mine = next_draw.fetch_add(1, std::memory_order_relaxed);
        const std::size_t slot = d * per_draw;
        draw_values<T>(distribution, seed, mine * words, out + slot, std::min(per_draw, count - slot));
    }
}

template void rng_philox<float>(Distribution, uint64_t, float*, std::size_t, const CpuSettings&);
template void rng_philox<double>(Distribution, uint64_t, double*, std::size_t, const CpuSettings&);
template void rng_shared_state<float>(Distribution, uint64_t, float*, std::size_t, const CpuSettings&);
template void rng_shared_state<double>(Distribution, uint64_t, double*, std::size_t, const CpuSettings&);

} // namespace detaudit::kernels
