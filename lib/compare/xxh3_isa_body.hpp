// The body of one XXH3 variant: included by xxh3_default.cpp, xxh3_avx2.cpp and
// xxh3_avx512.cpp after each sets its target, with DETAUDIT_XXH3_OPS naming the entry point.
// Only xxhash's static functions and these three wrappers are compiled under the wider target.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace detaudit::xxh3_isa {
namespace {

static_assert(sizeof(XXH3_state_t) <= k_state_bytes && alignof(XXH3_state_t) <= alignof(State));

XXH3_state_t* as_state(State& s) { return reinterpret_cast<XXH3_state_t*>(s.bytes); }
const XXH3_state_t* as_state(const State& s) { return reinterpret_cast<const XXH3_state_t*>(s.bytes); }

void reset(State& s) { XXH3_128bits_reset(as_state(s)); }
void update(State& s, const void* data, std::size_t size) { XXH3_128bits_update(as_state(s), data, size); }
Hash128 digest(const State& s) {
    const XXH128_hash_t h = XXH3_128bits_digest(as_state(s));
    return {h.low64, h.high64};
}

} // namespace

Ops DETAUDIT_XXH3_OPS() { return {reset, update, digest}; }

} // namespace detaudit::xxh3_isa
