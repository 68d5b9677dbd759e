// The CPU's vectorised deposit into the reproducible accumulator (kernels/common/binned_sum.hpp
// keeps the scalar arithmetic both devices share; this header is CPU-only). Each element is cut
// into the same three pieces as binned_pieces, with the same float operations lane by lane, and
// the pieces are summed in integers: the limbs, hence the result, are bit for bit those of the
// scalar deposit. Pieces are below 2^30, so two vectors' pieces add in int32 before one widening
// to int64; lanes are folded into the accumulator once per block. The block's largest magnitude
// is found in the same pass: if it reaches above the accumulator's top bin (or is NaN/Inf), the
// block's lane sums are dropped and the caller deposits it again after raising the top, so every
// element is cut at the top the block-wise scalar code would use.
#pragma once
#include "../common/binned_sum.hpp"
#include <cstddef>
#include <cstdint>
#include <cstring>

#pragma GCC diagnostic ignored "-Wpsabi" // always-inlined helpers: no vector crosses a call

namespace detaudit::kernels::simd {

template <typename E, std::size_t N> struct VectorOf {
    typedef E type __attribute__((vector_size(N * sizeof(E))));
};
template <typename E, std::size_t N> using Vec = typename VectorOf<E, N>::type;

template <typename T> struct DepositVectors {
    using Bits = typename FloatTraits<T>::Bits;
    static constexpr std::size_t L = 64 / sizeof(T); // one 64-byte vector of elements
    using VF = Vec<T, L>;
    using VB = Vec<Bits, L>;
    using VI32 = Vec<int32_t, L>;
    using VI64 = Vec<int64_t, 8>;
};

template <typename V> DETAUDIT_HD_HOT V load_vector(const void* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// int32 lanes widened and added to 8 int64 lanes (16 lanes: each int64 lane takes the pair of
// int32 lanes it overlaps, sign-extended by shifts: GCC 12 splits __builtin_convertvector from
// 8 int32 to 8 int64 into 128-bit pieces, seven instructions where these shifts take three).
template <std::size_t L> DETAUDIT_HD_HOT void widen_add(Vec<int64_t, 8>& into, Vec<int32_t, L> v) {
    if constexpr (L == 8) {
        into += __builtin_convertvector(v, Vec<int64_t, 8>);
    } else {
        const auto pair = reinterpret_cast<Vec<int64_t, 8>>(v);
        const auto low_up =
            reinterpret_cast<Vec<int64_t, 8>>(reinterpret_cast<Vec<uint64_t, 8>>(pair) << 32);
        into += (pair >> 32) + (low_up >> 32); // arithmetic shifts: the high and low int32 lanes
    }
}

template <typename T, bool k_two_step>
DETAUDIT_HD_HOT void vector_pieces(typename DepositVectors<T>::VF v, const BinScale<T>& s,
                                   typename DepositVectors<T>::VI32 p[3]) {
    using D = DepositVectors<T>;
    constexpr T k_bin = T(1073741824.0); // 2^30
    typename D::VF y = v * s.first;
    if constexpr (k_two_step) y = y * s.second;
    p[0] = __builtin_convertvector(y, typename D::VI32); // truncation, as static_cast<int32_t>
    const typename D::VF r1 = (y - __builtin_convertvector(p[0], typename D::VF)) * k_bin;
    p[1] = __builtin_convertvector(r1, typename D::VI32);
    const typename D::VF r2 = (r1 - __builtin_convertvector(p[1], typename D::VF)) * k_bin;
    p[2] = __builtin_convertvector(r2, typename D::VI32);
}

// The first two pieces only, and what is left below them (zero exactly when the third piece and
// everything below it is zero): the same operations as vector_pieces up to its last product.
template <typename T, bool k_two_step>
DETAUDIT_HD_HOT typename DepositVectors<T>::VF
vector_two_pieces(typename DepositVectors<T>::VF v, const BinScale<T>& s,
                  typename DepositVectors<T>::VI32 p[2]) {
    using D = DepositVectors<T>;
    constexpr T k_bin = T(1073741824.0); // 2^30
    typename D::VF y = v * s.first;
    if constexpr (k_two_step) y = y * s.second;
    p[0] = __builtin_convertvector(y, typename D::VI32);
    const typename D::VF r1 = (y - __builtin_convertvector(p[0], typename D::VF)) * k_bin;
    p[1] = __builtin_convertvector(r1, typename D::VI32);
    return r1 - __builtin_convertvector(p[1], typename D::VF);
}

// f64 where the CPU converts doubles to int64 in one instruction (AVX-512DQ): the pieces go
// straight to int64 lanes (the same truncation as static_cast<int32_t> for |y| < 2^30), so no
// widening step is needed. Elsewhere that conversion is emulated and the int32 path is faster.
inline bool has_wide_conversion() {
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool wide = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512dq") != 0;
    }();
    return wide;
#else
    return false;
#endif
}
template <bool k_two_step>
DETAUDIT_HD_HOT void sum_pieces_f64(const double* x, std::size_t vectors, const BinScale<double>& s,
                                    Vec<int64_t, 8> sums[3], Vec<uint64_t, 8>& max_bits) {
    using VD = Vec<double, 8>;
    using VB = Vec<uint64_t, 8>;
    using VI = Vec<int64_t, 8>;
    constexpr double k_bin = 1073741824.0; // 2^30
    for (std::size_t v = 0; v < vectors; ++v) {
        const VD a = load_vector<VD>(x + 8 * v);
        const VB abs_a = load_vector<VB>(x + 8 * v) & FloatTraits<double>::k_abs_mask;
        max_bits = max_bits < abs_a ? abs_a : max_bits;
        VD y = a * s.first;
        if constexpr (k_two_step) y = y * s.second;
        const VI p0 = __builtin_convertvector(y, VI);
        const VD r1 = (y - __builtin_convertvector(p0, VD)) * k_bin;
        const VI p1 = __builtin_convertvector(r1, VI);
        const VD r2 = (r1 - __builtin_convertvector(p1, VD)) * k_bin;
        sums[0] += p0;
        sums[1] += p1;
        sums[2] += __builtin_convertvector(r2, VI);
    }
}

// What one pass over a block found: its largest magnitude's bits, and (two-piece pass) whether
// some element had bits below the second piece, whose third piece the pass did not add.
template <typename T> struct BlockScan {
    typename FloatTraits<T>::Bits max_bits;
    bool bits_below_pieces;
};

// Deposits x[0, n) at the accumulator's current top (acc.top_bin >= 0) into `limbs` and scans the
// block; the caller keeps `limbs` only if the largest magnitude fits the top and, for K == 2, no
// element had bits below the second piece (then every third piece is zero: the limbs are those of
// the three-piece pass). K == 2 saves a product, a conversion and the third limb's widening adds
// per vector: f32 data within 2^36 of the block's top bin (the usual case) never needs the third.
template <typename T, bool k_two_step, int K = 3>
DETAUDIT_HD_HOT BlockScan<T> deposit_at_top(const T* x, std::size_t n, const BinScale<T>& s,
                                            int64_t limbs[3]) {
    static_assert(K == 2 || K == 3, "two or three pieces");
    using D = DepositVectors<T>;
    using Tr = FloatTraits<T>;
    constexpr std::size_t L = D::L;
    typename D::VI64 sums[3] = {};
    typename D::VB max_bits = {}, below = {};
    std::size_t i = 0;
    if constexpr (sizeof(T) == 8 && K == 3) {
        if (has_wide_conversion()) {
            sum_pieces_f64<k_two_step>(x, n / L, s, sums, max_bits);
            i = n / L * L;
        }
    }
    for (; i + 2 * L <= n; i += 2 * L) {
        const auto a = load_vector<typename D::VF>(x + i),
                   b = load_vector<typename D::VF>(x + i + L);
        const auto abs_a = load_vector<typename D::VB>(x + i) & Tr::k_abs_mask;
        const auto abs_b = load_vector<typename D::VB>(x + i + L) & Tr::k_abs_mask;
        max_bits = max_bits < abs_a ? abs_a : max_bits;
        max_bits = max_bits < abs_b ? abs_b : max_bits;
        typename D::VI32 pa[3], pb[3];
        if constexpr (K == 3) {
            vector_pieces<T, k_two_step>(a, s, pa);
            vector_pieces<T, k_two_step>(b, s, pb);
        } else {
            const auto rest_a = vector_two_pieces<T, k_two_step>(a, s, pa);
            const auto rest_b = vector_two_pieces<T, k_two_step>(b, s, pb);
            // Bit patterns ORed: only -0 (sign bit alone, masked below) is a zero that sets a bit.
            below |=
                reinterpret_cast<typename D::VB>(rest_a) | reinterpret_cast<typename D::VB>(rest_b);
        }
        // Added as unsigned: the discarded pass over a block with a larger element may wrap.
        using VU32 = Vec<uint32_t, L>;
        for (int j = 0; j < K; ++j)
            widen_add<L>(sums[j],
                         reinterpret_cast<typename D::VI32>(reinterpret_cast<VU32>(pa[j]) +
                                                            reinterpret_cast<VU32>(pb[j])));
    }
    BlockScan<T> scan{0, false};
    for (std::size_t l = 0; l < L; ++l) {
        scan.max_bits = scan.max_bits < max_bits[l] ? max_bits[l] : scan.max_bits;
        scan.bits_below_pieces = scan.bits_below_pieces || (below[l] & Tr::k_abs_mask) != 0;
    }
    for (int j = 0; j < 3; ++j) {
        int64_t total = 0;
        for (std::size_t l = 0; l < 8; ++l)
            total += sums[j][l];
        limbs[j] = total;
    }
    for (; i < n; ++i) { // fewer than two vectors left: all three pieces, whatever K
        const auto bits = to_bits(x[i]) & Tr::k_abs_mask;
        scan.max_bits = scan.max_bits < bits ? bits : scan.max_bits;
        int32_t p0, p1, p2;
        binned_pieces(k_two_step ? (x[i] * s.first) * s.second : x[i] * s.first, p0, p1, p2);
        limbs[0] += p0;
        limbs[1] += p1;
        limbs[2] += p2;
    }
    return scan;
}

} // namespace detaudit::kernels::simd
