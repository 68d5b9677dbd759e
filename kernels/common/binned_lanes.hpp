// The `reproducible` sum split over the 32 lanes of a warp, as the GPU kernels run it, and its CPU
// models (tests/unit/test_binned_lanes.cpp). binned_sum.hpp's accumulator is order-independent
// (integer limbs, exact merges, pieces that depend only on the element and the bin), so none of
// these splits changes the bits; the tests check that with this very code.
//
// scatter_add `reproducible`: a warp per bin, so a crowded bin's values are deposited 32 at a time
// instead of by one thread. Lane l deposits elements l, l + 32, l + 64, ... into its own
// accumulator; then the 32 accumulators are merged in a fixed tree, lane l taking lane l + offset
// for offset = 16, 8, 4, 2, 1, and lane 0 holds the segment's. binned_sum.hpp's accumulator is
// order-independent (integer limbs, exact merges), so this gives the bits of depositing the segment
// in input order; tests/unit/test_binned_lanes.cpp checks it on the CPU with this very code.
#pragma once
#include "binned_sum.hpp"
#include "host_device.hpp"
#include <cstddef>

namespace detaudit::kernels {

constexpr unsigned k_binned_lanes = 32;

// Lane `lane`'s share of the segment x[0, n).
template <typename T>
DETAUDIT_HD void binned_lane_deposit(BinnedAccumulator<T>& acc, const T* x, std::size_t n,
                                     unsigned lane) {
    for (std::size_t i = lane; i < n; i += k_binned_lanes)
        binned_deposit(acc, x[i]);
}

// One step of the merge tree: lane `lane` (< offset) takes lane `lane + offset`. On the GPU every
// lane runs its step between two __syncwarp(); on the CPU the lanes run one after another.
template <typename T>
DETAUDIT_HD void binned_lane_merge_step(BinnedAccumulator<T>* lanes, unsigned lane,
                                        unsigned offset) {
    if (lane < offset) binned_merge(lanes[lane], lanes[lane + offset]);
}

// reduce `reproducible` pass 1: a warp reads a span of 32 * k_binned_tile consecutive values;
// lane l's tile is the span's elements l, l + 32, l + 64, ..., so each of the warp's k_binned_tile
// loads reads 32 consecutive values (coalesced), and the lane deposits its tile as the CPU deposits
// a block (one raise of the top bin and one scale per tile; element by element when it holds NaN
// or Inf).
constexpr unsigned k_binned_tile = 8;
constexpr std::size_t k_binned_span = std::size_t(k_binned_lanes) * k_binned_tile;

template <typename T>
DETAUDIT_HD void binned_lane_deposit_tile(BinnedAccumulator<T>& acc, const T* x, std::size_t n,
                                          std::size_t span_begin, unsigned lane) {
    using Tr = FloatTraits<T>;
    T tile[k_binned_tile];
    std::size_t len = 0;
    typename Tr::Bits max_bits = 0;
    for (unsigned j = 0; j < k_binned_tile; ++j) {
        const std::size_t i = span_begin + lane + std::size_t(j) * k_binned_lanes;
        if (i >= n) break;
        tile[len] = x[i];
        const auto b = to_bits(tile[len]) & Tr::k_abs_mask;
        max_bits = b > max_bits ? b : max_bits;
        ++len;
    }
    if (max_bits >= Tr::k_exp_mask)
        for (std::size_t j = 0; j < len; ++j)
            binned_deposit(acc, tile[j]);
    else
        binned_deposit_finite_block(acc, tile, len, max_bits);
}

// The CPU's model of pass 1 over `warps` warps (grid-stride over spans), every lane's accumulator
// then merged in lane and warp order.
template <typename T> T binned_sum_by_warp_tiles(const T* x, std::size_t n, std::size_t warps) {
    BinnedAccumulator<T> total;
    for (std::size_t w = 0; w < warps; ++w)
        for (unsigned lane = 0; lane < k_binned_lanes; ++lane) {
            BinnedAccumulator<T> acc;
            for (std::size_t begin = w * k_binned_span; begin < n; begin += warps * k_binned_span)
                binned_lane_deposit_tile(acc, x, n, begin, lane);
            binned_merge(total, acc);
        }
    return binned_finalize(total);
}

// The whole procedure on one thread (the CPU's model of the warp).
template <typename T> T binned_segment_sum_by_lanes(const T* x, std::size_t n) {
    BinnedAccumulator<T> lanes[k_binned_lanes];
    for (unsigned lane = 0; lane < k_binned_lanes; ++lane)
        binned_lane_deposit(lanes[lane], x, n, lane);
    for (unsigned offset = k_binned_lanes / 2; offset > 0; offset /= 2)
        for (unsigned lane = 0; lane < offset; ++lane)
            binned_lane_merge_step(lanes, lane, offset);
    return binned_finalize(lanes[0]);
}

} // namespace detaudit::kernels
