// GCC vector extensions for the comparison kernels: one 64-byte vector of elements and the
// 64-bit lanes its statistics need. Written once, compiled by each target clone at its width
// (one zmm register under AVX-512; two ymm or four xmm halves otherwise).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

// The comparison kernels are compiled once per vector width and picked at run time, as
// kernels/cpu/vector_clones.hpp does for the CPU kernels (lib/compare may not include kernels/cpu).
// GCC 12 lowers these helpers' vector types for the default target before inlining them into a
// clone, so the wide clones still run part of their arithmetic lane by lane; the float kernels
// therefore moved to per-ISA translation units (float_stats_isa.hpp), the integer ones not yet.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#define DETAUDIT_COMPARE_CLONES                                                                    \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DETAUDIT_COMPARE_CLONES
#endif

// The kernels' helpers are always inlined, so no vector crosses a call: the ABI note is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace detaudit::lanes {

#define DETAUDIT_LANES_INLINE inline __attribute__((always_inline))

template <typename E, std::size_t N> struct VectorOf {
    typedef E type __attribute__((vector_size(N * sizeof(E))));
};
template <typename E, std::size_t N> using Vec = typename VectorOf<E, N>::type;

template <typename V> DETAUDIT_LANES_INLINE V load(const void* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// True when any lane of an integer vector is non-zero (folded to 64 bits, then tested).
template <typename V> DETAUDIT_LANES_INLINE bool any_nonzero(V v) {
    constexpr std::size_t words = sizeof(V) / 8;
    using W = Vec<uint64_t, words>;
    W w;
    std::memcpy(&w, &v, sizeof w);
    uint64_t folded = 0;
    for (std::size_t i = 0; i < words; ++i)
        folded |= w[i];
    return folded != 0;
}

template <typename V> DETAUDIT_LANES_INLINE V larger(V a, V b) {
    return a < b ? b : a;
}

} // namespace detaudit::lanes
