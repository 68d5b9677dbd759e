// The `rng` op's draw layout, the one both backends follow (docs/ops.md): draw d of the Philox
// stream takes `words` consecutive words starting at word d * words and writes `values`
// consecutive elements starting at d * values. A draw never straddles a Philox block.
#pragma once
#include <cstddef>
#include <cstdint>
#include "host_device.hpp"
#include "op_enums.hpp"
#include "philox.hpp"

namespace detaudit::kernels {

struct DrawLayout {
    std::size_t values; // elements one draw writes (normal draws come in Box-Muller pairs)
    uint64_t words;     // 32-bit stream words one draw consumes
};

// f32: 1 word per uniform, 2 per normal pair; f64: twice as many.
template <typename T>
DETAUDIT_HD constexpr DrawLayout draw_layout(Distribution d) {
    const bool normal = d == Distribution::normal;
    if constexpr (sizeof(T) == 4) return {normal ? std::size_t{2} : std::size_t{1}, normal ? uint64_t{2} : uint64_t{1}};
    else return {normal ? std::size_t{2} : std::size_t{1}, normal ? uint64_t{4} : uint64_t{2}};
}

// Draws needed for `count` elements (the last pair may be cut to one value).
DETAUDIT_HD constexpr std::size_t draw_count(const DrawLayout& layout, std::size_t count) {
    return (count + layout.values - 1) / layout.values;
}

// The words of draw number `first_word / layout.words`: its Philox block and where in it the
// draw starts.
struct DrawWords {
    Philox4x32 block;
    unsigned first;
    DETAUDIT_HD const uint32_t* words() const { return block.v + first; }
};
DETAUDIT_HD_HOT DrawWords draw_words(uint64_t seed, uint64_t first_word) {
    return {philox_block(seed, first_word >> 2), static_cast<unsigned>(first_word & 3)};
}

// A uniform draw's value from its words.
template <typename T>
DETAUDIT_HD_HOT T uniform_of(const uint32_t* w) {
    if constexpr (sizeof(T) == 4) return uniform_f32(w[0]);
    else return uniform_f64(w[0], w[1]);
}

} // namespace detaudit::kernels
