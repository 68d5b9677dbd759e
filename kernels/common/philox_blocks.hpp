// The rng stream a Philox block at a time (the GPU's `philox` kernel: one thread per block, whose
// values it stores as one float4 or double2). rng_cpu reads the stream a draw at a time: draw d's
// words start at word d * words_per_draw and give values_per_draw values from element
// d * values_per_draw on. A draw takes 1, 2 or 4 words, so no draw straddles a block, and block b
// holds draws b * draws_per_block ... + draws_per_block - 1, i.e. elements
// b * values_per_block ... + values_per_block - 1: the same (element -> words) map, grouped by
// block (tests/unit/test_philox.cpp checks it against the per-draw one).
#pragma once
#include "host_device.hpp"
#include "rng_layout.hpp"

namespace detaudit::kernels {

// rng_layout.hpp's draw layout, by block: words and values per draw are draw_layout's.
template <typename T> DETAUDIT_HD constexpr unsigned philox_words_per_draw(bool normal) {
    return static_cast<unsigned>(draw_layout<T>(normal ? Distribution::normal : Distribution::uniform).words);
}
template <typename T> DETAUDIT_HD constexpr unsigned philox_values_per_draw(bool normal) {
    return static_cast<unsigned>(draw_layout<T>(normal ? Distribution::normal : Distribution::uniform).values);
}
template <typename T> DETAUDIT_HD constexpr unsigned philox_draws_per_block(bool normal) {
    return 4 / philox_words_per_draw<T>(normal);
}
// 16 bytes of output per block whatever the distribution: 4 f32 or 2 f64.
template <typename T> constexpr unsigned k_philox_values_per_block = 16 / sizeof(T);

// The first word (0..3) within its block of the draw that element `slot` (0 <= slot <
// k_philox_values_per_block) of a block belongs to.
template <typename T>
DETAUDIT_HD constexpr unsigned philox_block_word_of(bool normal, unsigned slot) {
    return slot / philox_values_per_draw<T>(normal) * philox_words_per_draw<T>(normal);
}

} // namespace detaudit::kernels
