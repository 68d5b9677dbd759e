// Philox4x32-10 (Salmon et al., Random123) and cuRAND's conversions of its words to floats,
// shared by the CPU and GPU generators so both produce the same bits.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cmath>
#include "host_device.hpp"

namespace detaudit::kernels {

struct Philox4x32 {
    uint32_t v[4];
};

namespace philox_detail {
constexpr uint32_t k_mul0 = 0xD2511F53u;
constexpr uint32_t k_mul1 = 0xCD9E8D57u;
constexpr uint32_t k_weyl0 = 0x9E3779B9u;
constexpr uint32_t k_weyl1 = 0xBB67AE85u;

DETAUDIT_HD_HOT void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
    const uint64_t p = static_cast<uint64_t>(a) * b;
    hi = static_cast<uint32_t>(p >> 32);
    lo = static_cast<uint32_t>(p);
}
} // namespace philox_detail

// One Philox4x32 block with `rounds` rounds (10 is the standard, what cuRAND uses).
DETAUDIT_HD_HOT Philox4x32 philox4x32(Philox4x32 ctr, uint32_t key0, uint32_t key1, int rounds = 10) {
    using namespace philox_detail;
    for (int r = 0; r < rounds; ++r) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(k_mul0, ctr.v[0], hi0, lo0);
        mulhilo(k_mul1, ctr.v[2], hi1, lo1);
        ctr = Philox4x32{{hi1 ^ ctr.v[1] ^ key0, lo1, hi0 ^ ctr.v[3] ^ key1, lo0}};
        key0 += k_weyl0;
        key1 += k_weyl1;
    }
    return ctr;
}

// Philox4x32 on `lanes` independent counters at once, rounds outer and lanes inner, so the
// multiplies of different blocks overlap (and vectorise) instead of forming one serial chain.
// ctr[w][l] is word w of lane l; the result replaces it. Same bits as philox4x32 per lane.
template <std::size_t lanes>
DETAUDIT_HD_HOT void philox4x32_lanes(uint32_t (&ctr)[4][lanes], uint32_t key0, uint32_t key1) {
    using namespace philox_detail;
    for (int r = 0; r < 10; ++r) {
        for (std::size_t l = 0; l < lanes; ++l) {
            const uint64_t p0 = static_cast<uint64_t>(k_mul0) * ctr[0][l];
            const uint64_t p1 = static_cast<uint64_t>(k_mul1) * ctr[2][l];
            const uint32_t c1 = ctr[1][l], c3 = ctr[3][l];
            ctr[0][l] = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ key0;
            ctr[1][l] = static_cast<uint32_t>(p1);
            ctr[2][l] = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ key1;
            ctr[3][l] = static_cast<uint32_t>(p0);
        }
        key0 += k_weyl0;
        key1 += k_weyl1;
    }
}

// The block at position `block` (a 128-bit little-endian counter whose high 64 bits are zero)
// of the stream keyed by the 64-bit seed: key = (seed & 0xffffffff, seed >> 32).
DETAUDIT_HD_HOT Philox4x32 philox_block(uint64_t seed, uint64_t block) {
    const Philox4x32 ctr{{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 0u, 0u}};
    return philox4x32(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Word `index` of the stream: word (index mod 4) of block (index div 4).
DETAUDIT_HD uint32_t philox_word(uint64_t seed, uint64_t index) {
    return philox_block(seed, index >> 2).v[index & 3];
}

// cuRAND's conversions (curand_uniform.h, curand_normal.h), written as separate rounded
// operations: the compiler may not contract them (built with -ffp-contract=off / --fmad=false).
constexpr float k_two_pow_m32 = 2.3283064e-10f;               // CURAND_2POW32_INV
constexpr float k_two_pow_m32_2pi = 2.3283064e-10f * 6.2831855f; // CURAND_2POW32_INV_2PI
constexpr double k_two_pow_m53 = 1.1102230246251565e-16;        // CURAND_2POW53_INV_DOUBLE
constexpr double k_pi = 3.1415926535897932;                     // CURAND_PI_DOUBLE

// curand_uniform: float(x) * 2^-32 + 2^-33, in (0, 1].
DETAUDIT_HD_HOT float uniform_f32(uint32_t x) {
    const float scaled = static_cast<float>(x) * k_two_pow_m32;
    return scaled + k_two_pow_m32 / 2.0f;
}

// curand_uniform2_double's _curand_uniform_double_hq: 53 random bits from two words.
DETAUDIT_HD double uniform_f64(uint32_t x, uint32_t y) {
    const uint64_t z = static_cast<uint64_t>(x) ^ (static_cast<uint64_t>(y) << (53 - 32));
    const double scaled = static_cast<double>(z) * k_two_pow_m53;
    return scaled + k_two_pow_m53 / 2.0;
}

struct NormalPairF32 {
    float first, second;
};
struct NormalPairF64 {
    double first, second;
};

// curand_normal2's _curand_box_muller on the host path (logf, sinf, cosf of the platform libm).
inline NormalPairF32 box_muller_f32(uint32_t x, uint32_t y) {
    const float u = uniform_f32(x);
    const float v_scaled = static_cast<float>(y) * k_two_pow_m32_2pi;
    const float v = v_scaled + k_two_pow_m32_2pi / 2.0f;
    const float s = std::sqrt(-2.0f * std::log(u));
    return {std::sin(v) * s, std::cos(v) * s};
}

// curand_normal2_double's _curand_box_muller_double on the host path.
inline NormalPairF64 box_muller_f64(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
    const uint64_t zx = static_cast<uint64_t>(x0) ^ (static_cast<uint64_t>(x1) << (53 - 32));
    const uint64_t zy = static_cast<uint64_t>(y0) ^ (static_cast<uint64_t>(y1) << (53 - 32));
    const double u = static_cast<double>(zx) * k_two_pow_m53 + k_two_pow_m53 / 2.0;
    const double v = static_cast<double>(zy) * (k_two_pow_m53 * 2.0) + k_two_pow_m53;
    const double s = std::sqrt(-2.0 * std::log(u));
    return {std::sin(v * k_pi) * s, std::cos(v * k_pi) * s};
}

} // namespace detaudit::kernels
