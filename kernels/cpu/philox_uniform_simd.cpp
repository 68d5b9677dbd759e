#include "philox_uniform_simd.hpp"
#include "../common/philox.hpp"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DETAUDIT_PHILOX_X86 1
#else
#define DETAUDIT_PHILOX_X86 0
#endif

namespace detaudit::kernels {
namespace {

void scalar_blocks(uint64_t seed, uint64_t first_block, std::size_t blocks, float* out) {
    for (std::size_t i = 0; i < blocks; ++i) {
        const Philox4x32 r = philox_block(seed, first_block + i);
        for (int j = 0; j < 4; ++j)
            out[4 * i + j] = uniform_f32(r.v[j]);
    }
}

// The portable path: 64 blocks at a time, rounds outer, so the compiler vectorises what it can.
void generic_blocks(uint64_t seed, uint64_t first_block, std::size_t blocks, float* out) {
    constexpr std::size_t k_group = 64;
    std::size_t i = 0;
    for (; i + k_group <= blocks; i += k_group) {
        uint32_t ctr[4][k_group];
        for (std::size_t l = 0; l < k_group; ++l) {
            const uint64_t b = first_block + i + l;
            ctr[0][l] = static_cast<uint32_t>(b);
            ctr[1][l] = static_cast<uint32_t>(b >> 32);
            ctr[2][l] = 0;
            ctr[3][l] = 0;
        }
        philox4x32_lanes(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
        for (std::size_t l = 0; l < k_group; ++l)
            for (std::size_t j = 0; j < 4; ++j)
                out[4 * (i + l) + j] = uniform_f32(ctr[j][l]);
    }
    scalar_blocks(seed, first_block + i, blocks - i, out + 4 * i);
}

// Whether the low counter word wraps within the `lanes` blocks from `base`: the vector groups
// give all their lanes one high word, so such a group (one in 2^32 / lanes) goes block by block.
bool low_word_wraps(uint64_t base, uint32_t lanes) {
    return static_cast<uint32_t>(base) > UINT32_MAX - (lanes - 1);
}

#if DETAUDIT_PHILOX_X86

#define DETAUDIT_TARGET_AVX512 __attribute__((target("avx512f")))
#define DETAUDIT_TARGET_AVX2 __attribute__((target("avx2")))
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_epi32() (a self-initialised variable) as the
// ignored merge source, which -W(maybe-)uninitialized reports once they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// 8 blocks per vector, one per 64-bit lane, each word in the low half of its lane: vpmuludq
// multiplies exactly those halves, so a round is a multiply, a shift (hi) and a three-way xor per
// word pair; the high halves carry garbage that no multiply reads and the final pack drops.
constexpr int k_vectors512 = 4;

DETAUDIT_TARGET_AVX512 inline void avx512_rounds(__m512i (&x)[k_vectors512][4], uint64_t seed) {
    const __m512i mul0 = _mm512_set1_epi64(philox_detail::k_mul0);
    const __m512i mul1 = _mm512_set1_epi64(philox_detail::k_mul1);
    uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
#pragma GCC unroll 10
    for (int r = 0; r < 10; ++r) {
        const __m512i k0 = _mm512_set1_epi64(key0);
        const __m512i k1 = _mm512_set1_epi64(key1);
        for (int v = 0; v < k_vectors512; ++v) {
            const __m512i p0 = _mm512_mul_epu32(x[v][0], mul0);
            const __m512i p1 = _mm512_mul_epu32(x[v][2], mul1);
            x[v][0] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x[v][1], k0, 0x96);
            x[v][2] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x[v][3], k1, 0x96);
            x[v][1] = p1;
            x[v][3] = p0;
        }
        key0 += philox_detail::k_weyl0;
        key1 += philox_detail::k_weyl1;
    }
}

// Packs two 8-lane vectors' words into 16 floats, converts them as uniform_f32 does and stores
// the 16 blocks: the in-lane 4x4 transposes leave packed lane 4q + e's block at out + 16 (4e + q).
DETAUDIT_TARGET_AVX512 inline void avx512_store16(const __m512i (&a)[4], const __m512i (&b)[4],
                                                  float* out) {
    const __m512i low_halves =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512 scale = _mm512_set1_ps(k_two_pow_m32);
    const __m512 offset = _mm512_set1_ps(k_two_pow_m32 / 2.0f);
    __m512 f[4];
    for (int j = 0; j < 4; ++j) {
        const __m512i words = _mm512_permutex2var_epi32(a[j], low_halves, b[j]);
        f[j] = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepu32_ps(words), scale), offset);
    }
    const __m512d t0 = _mm512_castps_pd(_mm512_unpacklo_ps(f[0], f[1]));
    const __m512d t1 = _mm512_castps_pd(_mm512_unpackhi_ps(f[0], f[1]));
    const __m512d t2 = _mm512_castps_pd(_mm512_unpacklo_ps(f[2], f[3]));
    const __m512d t3 = _mm512_castps_pd(_mm512_unpackhi_ps(f[2], f[3]));
    _mm512_storeu_ps(out, _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2)));
    _mm512_storeu_ps(out + 16, _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2)));
    _mm512_storeu_ps(out + 32, _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3)));
    _mm512_storeu_ps(out + 48, _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3)));
}

// 8 * k_vectors512 blocks from `base`: vectors 2p and 2p + 1 hold blocks base + 16 p + (the block
// each packed lane stores, avx512_store16).
DETAUDIT_TARGET_AVX512 inline void avx512_group(uint64_t seed, uint64_t base, float* out) {
    const __m512i first_half = _mm512_setr_epi64(0, 4, 8, 12, 1, 5, 9, 13);
    const __m512i second_half = _mm512_setr_epi64(2, 6, 10, 14, 3, 7, 11, 15);
    __m512i x[k_vectors512][4];
    for (int v = 0; v < k_vectors512; ++v) {
        const __m512i low = _mm512_set1_epi64(static_cast<uint32_t>(base + 16 * (v / 2)));
        x[v][0] = _mm512_add_epi64(low, v % 2 == 0 ? first_half : second_half);
        x[v][1] = _mm512_set1_epi64(static_cast<uint32_t>(base >> 32));
        x[v][2] = _mm512_setzero_si512();
        x[v][3] = _mm512_setzero_si512();
    }
    avx512_rounds(x, seed);
    for (int p = 0; p < k_vectors512 / 2; ++p)
        avx512_store16(x[2 * p], x[2 * p + 1], out + 64 * p);
}

DETAUDIT_TARGET_AVX512 void avx512_blocks(uint64_t seed, uint64_t first_block, std::size_t blocks,
                                          float* out) {
    constexpr std::size_t k_group = 8 * k_vectors512;
    std::size_t i = 0;
    for (; i + k_group <= blocks; i += k_group) {
        const uint64_t base = first_block + i;
        if (low_word_wraps(base, k_group))
            scalar_blocks(seed, base, k_group, out + 4 * i);
        else
            avx512_group(seed, base, out + 4 * i);
    }
    scalar_blocks(seed, first_block + i, blocks - i, out + 4 * i);
}

#pragma GCC diagnostic pop

DETAUDIT_TARGET_AVX2 inline void mulhilo8(__m256i a, __m256i k, __m256i& hi, __m256i& lo) {
    const __m256i even = _mm256_mul_epu32(a, k);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), k);
    hi = _mm256_blend_epi32(odd, _mm256_srli_epi64(even, 32), 0x55);
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// u32 -> f32 rounded once, as static_cast<float> does: both 16-bit halves convert exactly and
// hi * 2^16 is exact, so the one rounding is the final add's.
DETAUDIT_TARGET_AVX2 inline __m256 u32_to_f32(__m256i x) {
    const __m256 hi = _mm256_cvtepi32_ps(_mm256_srli_epi32(x, 16));
    const __m256 lo = _mm256_cvtepi32_ps(_mm256_and_si256(x, _mm256_set1_epi32(0xffff)));
    return _mm256_add_ps(_mm256_mul_ps(hi, _mm256_set1_ps(65536.0f)), lo);
}

// 8 lanes x k_vectors256, each block's words in 32-bit lanes (the 64-bit layout of the AVX-512
// rounds needs more than AVX2's 16 registers here and measured slower): lane 4q + e of vector v
// holds block base + 8 v + 2 e + q, the order in which the in-lane 4x4 transposes below leave
// each block's four words next to each other.
constexpr int k_vectors256 = 4;

DETAUDIT_TARGET_AVX2 inline void avx2_group(uint64_t seed, uint64_t base, float* out) {
    const __m256i lane_block = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i mul0 = _mm256_set1_epi64x(philox_detail::k_mul0);
    const __m256i mul1 = _mm256_set1_epi64x(philox_detail::k_mul1);
    __m256i x[k_vectors256][4];
    for (int v = 0; v < k_vectors256; ++v) {
        const auto low = static_cast<int>(static_cast<uint32_t>(base + 8 * v));
        x[v][0] = _mm256_add_epi32(_mm256_set1_epi32(low), lane_block);
        x[v][1] = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(base >> 32)));
        x[v][2] = _mm256_setzero_si256();
        x[v][3] = _mm256_setzero_si256();
    }
    uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
#pragma GCC unroll 10
    for (int r = 0; r < 10; ++r) {
        const __m256i k0 = _mm256_set1_epi32(static_cast<int>(key0));
        const __m256i k1 = _mm256_set1_epi32(static_cast<int>(key1));
        for (int v = 0; v < k_vectors256; ++v) {
            __m256i hi0, lo0, hi1, lo1;
            mulhilo8(x[v][0], mul0, hi0, lo0);
            mulhilo8(x[v][2], mul1, hi1, lo1);
            x[v][0] = _mm256_xor_si256(_mm256_xor_si256(hi1, x[v][1]), k0);
            x[v][2] = _mm256_xor_si256(_mm256_xor_si256(hi0, x[v][3]), k1);
            x[v][1] = lo1;
            x[v][3] = lo0;
        }
        key0 += philox_detail::k_weyl0;
        key1 += philox_detail::k_weyl1;
    }
    const __m256 scale = _mm256_set1_ps(k_two_pow_m32);
    const __m256 offset = _mm256_set1_ps(k_two_pow_m32 / 2.0f);
    for (int v = 0; v < k_vectors256; ++v) {
        __m256 f[4];
        for (int j = 0; j < 4; ++j)
            f[j] = _mm256_add_ps(_mm256_mul_ps(u32_to_f32(x[v][j]), scale), offset);
        const __m256d t0 = _mm256_castps_pd(_mm256_unpacklo_ps(f[0], f[1]));
        const __m256d t1 = _mm256_castps_pd(_mm256_unpackhi_ps(f[0], f[1]));
        const __m256d t2 = _mm256_castps_pd(_mm256_unpacklo_ps(f[2], f[3]));
        const __m256d t3 = _mm256_castps_pd(_mm256_unpackhi_ps(f[2], f[3]));
        const __m256 rows[4] = {_mm256_castpd_ps(_mm256_unpacklo_pd(t0, t2)),
                                _mm256_castpd_ps(_mm256_unpackhi_pd(t0, t2)),
                                _mm256_castpd_ps(_mm256_unpacklo_pd(t1, t3)),
                                _mm256_castpd_ps(_mm256_unpackhi_pd(t1, t3))};
        float* dst = out + 32 * v;
        for (int e = 0; e < 4; ++e)
            _mm256_storeu_ps(dst + 8 * e, rows[e]);
    }
}

DETAUDIT_TARGET_AVX2 void avx2_blocks(uint64_t seed, uint64_t first_block, std::size_t blocks,
                                      float* out) {
    constexpr std::size_t k_group = 8 * k_vectors256;
    std::size_t i = 0;
    for (; i + k_group <= blocks; i += k_group) {
        const uint64_t base = first_block + i;
        if (low_word_wraps(base, k_group))
            scalar_blocks(seed, base, k_group, out + 4 * i);
        else
            avx2_group(seed, base, out + 4 * i);
    }
    scalar_blocks(seed, first_block + i, blocks - i, out + 4 * i);
}

#endif // DETAUDIT_PHILOX_X86

} // namespace

bool philox_isa_supported(PhiloxIsa isa) {
#if DETAUDIT_PHILOX_X86
    __builtin_cpu_init();
    if (isa == PhiloxIsa::avx512) return __builtin_cpu_supports("avx512f");
    if (isa == PhiloxIsa::avx2) return __builtin_cpu_supports("avx2");
#endif
    return isa == PhiloxIsa::generic;
}

PhiloxIsa philox_best_isa() {
    static const PhiloxIsa best = philox_isa_supported(PhiloxIsa::avx512) ? PhiloxIsa::avx512
                                  : philox_isa_supported(PhiloxIsa::avx2) ? PhiloxIsa::avx2
                                                                          : PhiloxIsa::generic;
    return best;
}

void philox_uniform_f32_blocks(PhiloxIsa isa, uint64_t seed, uint64_t first_block,
                               std::size_t blocks, float* out) {
#if DETAUDIT_PHILOX_X86
    if (isa == PhiloxIsa::avx512) return avx512_blocks(seed, first_block, blocks, out);
    if (isa == PhiloxIsa::avx2) return avx2_blocks(seed, first_block, blocks, out);
#endif
    (void)isa;
    generic_blocks(seed, first_block, blocks, out);
}

} // namespace detaudit::kernels
