#include "rng_cpu.hpp"
#include <atomic>
#include "../common/philox.hpp"
#include "../common/rng_layout.hpp"
#include "philox_uniform_simd.hpp"

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
            const PhiloxIsa isa = philox_best_isa();
#pragma omp parallel for schedule(static) num_threads(settings.threads)
            for (std::size_t b = 0; b < full_blocks; b += k_span)
                philox_uniform_f32_blocks(isa, seed, b, std::min(k_span, full_blocks - b),
                                          out + 4 * b);
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
