// The body of one XXH3 variant: included by xxh3_default.cpp, xxh3_avx2.cpp and
// xxh3_avx512.cpp after each sets its target, with DETAUDIT_XXH3_OPS naming the entry point.
// Only xxhash's static functions and these wrappers are compiled under the wider target (the
// comparison uses GCC vector types and builtins, no other header).
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace detaudit::xxh3_isa {
namespace {

static_assert(sizeof(XXH3_state_t) <= k_state_bytes && alignof(XXH3_state_t) <= alignof(State));

XXH3_state_t* as_state(State& s) {
    return reinterpret_cast<XXH3_state_t*>(s.bytes);
}
const XXH3_state_t* as_state(const State& s) {
    return reinterpret_cast<const XXH3_state_t*>(s.bytes);
}

void reset(State& s) {
    XXH3_128bits_reset(as_state(s));
}
void update(State& s, const void* data, std::size_t size) {
    XXH3_128bits_update(as_state(s), data, size);
}
Hash128 digest(const State& s) {
    const XXH128_hash_t h = XXH3_128bits_digest(as_state(s));
    return {h.low64, h.high64};
}

// XXH3_hashLong_128b_internal with the default secret, cut where digest_and_compare needs it.
constexpr std::size_t k_stripes_per_block =
    (sizeof(XXH3_kSecret) - XXH_STRIPE_LEN) / XXH_SECRET_CONSUME_RATE;
static_assert(k_stripes_per_block * XXH_STRIPE_LEN == k_block_bytes);
static_assert(k_long_input_min == XXH3_MIDSIZE_MAX + 1);

void long_begin(LongHash& h) {
    const uint64_t initial[XXH_ACC_NB] = XXH3_INIT_ACC;
    __builtin_memcpy(h.acc, initial, sizeof initial);
}

bool long_blocks_compare(LongHash& h, const void* input, const void* reference,
                         std::size_t blocks) {
    typedef uint64_t Stripe __attribute__((vector_size(XXH_STRIPE_LEN)));
    const auto* in = static_cast<const xxh_u8*>(input);
    const auto* ref = static_cast<const xxh_u8*>(reference);
    Stripe differ{};
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t s = 0; s < k_stripes_per_block; ++s) {
            const std::size_t at = (b * k_stripes_per_block + s) * XXH_STRIPE_LEN;
            XXH3_accumulate_512(h.acc, in + at, XXH3_kSecret + s * XXH_SECRET_CONSUME_RATE);
            Stripe x, y;
            __builtin_memcpy(&x, in + at, sizeof x);
            __builtin_memcpy(&y, ref + at, sizeof y);
            differ |= x ^ y;
        }
        XXH3_scrambleAcc(h.acc, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
    }
    uint64_t folded = 0;
    for (std::size_t i = 0; i < XXH_ACC_NB; ++i)
        folded |= differ[i];
    return folded != 0;
}

Hash128 long_finish(LongHash& h, const void* input, std::size_t size) {
    const auto* in = static_cast<const xxh_u8*>(input);
    const std::size_t done = long_hash_blocks(size) * k_block_bytes;
    const std::size_t stripes = (size - 1 - done) / XXH_STRIPE_LEN;
    for (std::size_t s = 0; s < stripes; ++s)
        XXH3_accumulate_512(h.acc, in + done + s * XXH_STRIPE_LEN,
                            XXH3_kSecret + s * XXH_SECRET_CONSUME_RATE);
    XXH3_accumulate_512(h.acc, in + size - XXH_STRIPE_LEN,
                        XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN -
                            XXH_SECRET_LASTACC_START);
    const xxh_u64 low = XXH3_mergeAccs(h.acc, XXH3_kSecret + XXH_SECRET_MERGEACCS_START,
                                       static_cast<xxh_u64>(size) * XXH_PRIME64_1);
    const xxh_u64 high = XXH3_mergeAccs(
        h.acc, XXH3_kSecret + sizeof(XXH3_kSecret) - sizeof(h.acc) - XXH_SECRET_MERGEACCS_START,
        ~(static_cast<xxh_u64>(size) * XXH_PRIME64_2));
    return {low, high};
}

} // namespace

Ops DETAUDIT_XXH3_OPS() {
    return {reset, update, digest, long_begin, long_blocks_compare, long_finish};
}

} // namespace detaudit::xxh3_isa
