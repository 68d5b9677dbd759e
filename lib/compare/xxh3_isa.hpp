// XXH3-128 streaming, compiled once per x86 vector width from Debian's xxhash.h (XXH_INLINE_ALL)
// and picked at run time: the system libxxhash is built for SSE2 only. Every variant computes
// the same hash (xxhash's own guarantee; tests/unit/test_digest.cpp checks it against xxhsum).
// Internal to lib/compare: the translation units that include this header with a wider target
// hold nothing but xxhash's static functions, so no inline function of another header can be
// emitted there with instructions an older CPU lacks.
#pragma once
#include <cstddef>
#include <cstdint>

namespace detaudit::xxh3_isa {

// Room for XXH3_state_t (576 bytes in xxhash 0.8), 64-byte aligned as it requires.
constexpr std::size_t k_state_bytes = 640;
struct alignas(64) State {
    unsigned char bytes[k_state_bytes];
};

struct Hash128 {
    uint64_t low = 0, high = 0;
};

// The one-pass digest and equality scan of digest_and_compare: XXH3-128 (seed 0) of a whole input
// of more than k_long_input_min - 1 bytes, computed as XXH3_128bits computes it (blocks of
// k_block_bytes, each accumulated stripe by stripe and scrambled), with each 64-byte stripe of
// the input XOR-compared with the same bytes of a reference in the same loop, so that both
// buffers stream through the core once, side by side.
constexpr std::size_t k_long_input_min = 241;
constexpr std::size_t k_block_bytes = 1024;
struct alignas(64) LongHash {
    uint64_t acc[8];
};
// The whole blocks an input of `size` (>= k_long_input_min) bytes has before its last part.
constexpr std::size_t long_hash_blocks(std::size_t size) {
    return (size - 1) / k_block_bytes;
}

struct Ops {
    void (*reset)(State&);
    void (*update)(State&, const void* data, std::size_t size);
    Hash128 (*digest)(const State&);
    void (*long_begin)(LongHash&);
    // Adds `blocks` whole blocks of `input` to the hash; true when any of their bytes differs
    // from the same bytes of `reference`.
    bool (*long_blocks_compare)(LongHash&, const void* input, const void* reference,
                                std::size_t blocks);
    // After all long_hash_blocks(size) blocks of `input`: its last part, then the hash.
    Hash128 (*long_finish)(LongHash&, const void* input, std::size_t size);
};

Ops ops_default();
#if defined(__x86_64__) && defined(__GNUC__)
#define DETAUDIT_XXH3_X86_CLONES 1
Ops ops_avx2();
Ops ops_avx512();
#endif

// The widest variant this CPU (and OS) can run.
const Ops& best_ops();

} // namespace detaudit::xxh3_isa
