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

struct Ops {
    void (*reset)(State&);
    void (*update)(State&, const void* data, std::size_t size);
    Hash128 (*digest)(const State&);
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
