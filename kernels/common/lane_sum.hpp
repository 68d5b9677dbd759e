// Fixed-order summation trees shared by the CPU and GPU `blocked`, `pairwise`, `sequential` and
// `kahan` sums. Each function *is* an order of additions; any backend that runs it gets the same bits.
#pragma once
#include <cstddef>
#include "host_device.hpp"

namespace detaudit::kernels {

// `blocked`: the input is cut into chunks of this many elements, whatever the thread count.
constexpr std::size_t k_blocked_chunk = 4096;
// Within a chunk, element i goes to lane i mod k_lanes; lanes are combined by a fixed tree.
constexpr std::size_t k_lanes = 16;
// `pairwise`: ranges of at most this many elements are summed left to right.
constexpr std::size_t k_pairwise_base = 32;

// -0.0 is the identity of IEEE addition (+0.0 is not: -0 + +0 = +0).
template <typename T> DETAUDIT_HD_HOT T additive_identity() { return -T(0); }

template <typename T> DETAUDIT_HD T sequential_sum(const T* x, std::size_t n) {
    T s = additive_identity<T>();
    for (std::size_t i = 0; i < n; ++i) s += x[i];
    return s;
}

template <typename T> DETAUDIT_HD T kahan_sum(const T* x, std::size_t n) {
    T s = additive_identity<T>();
    T c = T(0);
    for (std::size_t i = 0; i < n; ++i) {
        const T y = x[i] - c;
        const T t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return s;
}

template <typename T> DETAUDIT_HD T pairwise_sum(const T* x, std::size_t n) {
    if (n <= k_pairwise_base) return sequential_sum(x, n);
    const std::size_t half = n / 2;
    return pairwise_sum(x, half) + pairwise_sum(x + half, n - half);
}

// One chunk of `blocked` (n <= k_blocked_chunk): 16 interleaved lanes, then a halving tree.
template <typename T> DETAUDIT_HD_HOT T lane_tree_sum(const T* x, std::size_t n) {
    T lane[k_lanes];
    for (std::size_t l = 0; l < k_lanes; ++l) lane[l] = additive_identity<T>();
    std::size_t i = 0;
    for (; i + k_lanes <= n; i += k_lanes)
        for (std::size_t l = 0; l < k_lanes; ++l) lane[l] += x[i + l];
    for (std::size_t l = 0; i + l < n; ++l) lane[l] += x[i + l];
    for (std::size_t width = k_lanes / 2; width >= 1; width /= 2)
        for (std::size_t l = 0; l < width; ++l) lane[l] = lane[l] + lane[l + width];
    return lane[0];
}

// Chunk partials are combined left to right in chunk order.
template <typename T> DETAUDIT_HD T combine_in_order(const T* partials, std::size_t count) {
    return sequential_sum(partials, count);
}

} // namespace detaudit::kernels
