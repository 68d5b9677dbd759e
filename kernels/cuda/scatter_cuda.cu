// GPU scatter sums for the `scatter_add` op: `atomic` (atomicAdd per value), and `sorted` and
// `reproducible`, which sort (index, value) pairs by index with CUB's stable radix sort and then
// sum each bin's run of values in input order (sequential_sum, the CPU sorted's order) or with the
// binned accumulator (order-independent): both give the CPU's bits.
#include <cub/device/device_radix_sort.cuh>
#include "kernels/common/binned_lanes.hpp"
#include "kernels/common/binned_sum.hpp"
#include "kernels/common/lane_sum.hpp"
#include "kernels_cuda.cuh"

namespace detaudit::kernels::cuda_detail {
namespace {

template <typename T>
__global__ void atomic_kernel(const T* values, const int64_t* index, std::size_t n, T* bins) {
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
        atomicAdd(bins + index[i], values[i]);
}

__device__ std::size_t lower_bound(const uint64_t* keys, std::size_t n, uint64_t key) {
    std::size_t lo = 0, hi = n;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

// One thread per bin over the sorted pairs. An empty bin is +0 (as the CPU's, which sets every
// bin to zero first); a non-empty one is its values' sum in input order.
template <typename T>
__global__ void segment_sum_kernel(const uint64_t* keys, const T* sorted, std::size_t n, T* bins, std::size_t nbins,
                                   bool reproducible) {
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t b = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; b < nbins; b += stride) {
        const std::size_t lo = lower_bound(keys, n, b), hi = lower_bound(keys, n, b + 1);
        if (lo == hi) {
            bins[b] = T(0);
        } else if (!reproducible) {
            bins[b] = sequential_sum(sorted + lo, hi - lo);
        } else {
            BinnedAccumulator<T> acc;
            for (std::size_t i = lo; i < hi; ++i) binned_deposit(acc, sorted[i]);
            bins[b] = binned_finalize(acc);
        }
    }
}

// `reproducible` with a warp per bin (kernels/common/binned_lanes.hpp: 32 strided lane
// accumulators merged in a fixed tree, the bits of the in-order deposit), so a crowded bin (the
// default `hot` index puts about a million values in one) is deposited 32 values at a time, with
// coalesced loads, instead of by one thread. The lanes' accumulators meet in dynamic shared memory,
// blockDim.x accumulators per block; a partial last warp of an odd block size stays idle.
template <typename T>
__global__ void segment_binned_warp_kernel(const uint64_t* keys, const T* sorted, std::size_t n, T* bins,
                                           std::size_t nbins) {
    extern __shared__ unsigned char shared_raw[];
    auto* shared = reinterpret_cast<BinnedAccumulator<T>*>(shared_raw);
    const unsigned warps_per_block = blockDim.x / k_binned_lanes;
    const unsigned warp = threadIdx.x / k_binned_lanes, lane = threadIdx.x % k_binned_lanes;
    if (warp >= warps_per_block) return;
    BinnedAccumulator<T>* lanes = shared + warp * k_binned_lanes;
    const std::size_t warps = static_cast<std::size_t>(gridDim.x) * warps_per_block;
    for (std::size_t b = static_cast<std::size_t>(blockIdx.x) * warps_per_block + warp; b < nbins; b += warps) {
        const std::size_t lo = lower_bound(keys, n, b), hi = lower_bound(keys, n, b + 1);
        BinnedAccumulator<T> mine;
        binned_lane_deposit(mine, sorted + lo, hi - lo, lane);
        lanes[lane] = mine;
        __syncwarp();
        for (unsigned offset = k_binned_lanes / 2; offset > 0; offset /= 2) {
            binned_lane_merge_step(lanes, lane, offset);
            __syncwarp();
        }
        if (lane == 0) bins[b] = lo == hi ? T(0) : binned_finalize(lanes[0]);
        __syncwarp(); // lanes[0] is read before the next bin overwrites it
    }
}

constexpr std::size_t k_align = 256;
std::size_t aligned(std::size_t bytes) { return (bytes + k_align - 1) / k_align * k_align; }

// Bits that hold every index below nbins: the radix sort looks at those only.
int key_bits(std::size_t nbins) {
    int bits = 1;
    while (bits < 64 && (uint64_t(1) << bits) < nbins) ++bits;
    return bits;
}

template <typename T> std::size_t cub_sort_bytes(std::size_t n, std::size_t nbins) {
    std::size_t bytes = 0;
    check(cub::DeviceRadixSort::SortPairs(nullptr, bytes, static_cast<const uint64_t*>(nullptr),
                                          static_cast<uint64_t*>(nullptr), static_cast<const T*>(nullptr),
                                          static_cast<T*>(nullptr), static_cast<int64_t>(n), 0, key_bits(nbins)),
          "cub::DeviceRadixSort::SortPairs (temporary storage size)");
    return bytes;
}

} // namespace

template <typename T>
void scatter_add_atomic(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins, const Launch& l,
                        cudaStream_t s) {
    check(cudaMemsetAsync(bins, 0, nbins * sizeof(T), s), "cudaMemsetAsync");
    atomic_kernel<T><<<l.grid, l.block, 0, s>>>(values, index, n, bins);
    DETAUDIT_CHECK_LAUNCH("scatter atomic_kernel launch");
}

template <typename T> std::size_t scatter_sort_scratch_bytes(std::size_t n, std::size_t nbins) {
    return aligned(n * sizeof(uint64_t)) + aligned(n * sizeof(T)) + aligned(cub_sort_bytes<T>(n, nbins));
}

template <typename T>
void scatter_add_sorted(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins, void* scratch,
                        std::size_t scratch_bytes, bool reproducible, const Launch& l, cudaStream_t s) {
    auto* base = static_cast<unsigned char*>(scratch);
    auto* keys = reinterpret_cast<uint64_t*>(base);
    auto* sorted = reinterpret_cast<T*>(base + aligned(n * sizeof(uint64_t)));
    void* temp = base + aligned(n * sizeof(uint64_t)) + aligned(n * sizeof(T));
    std::size_t temp_bytes = scratch_bytes - aligned(n * sizeof(uint64_t)) - aligned(n * sizeof(T));
    // Indices are validated to lie in [0, nbins): as unsigned keys they sort the same.
    check(cub::DeviceRadixSort::SortPairs(temp, temp_bytes, reinterpret_cast<const uint64_t*>(index), keys, values, sorted,
                                          static_cast<int64_t>(n), 0, key_bits(nbins), s),
          "cub::DeviceRadixSort::SortPairs");
    DETAUDIT_CHECK_LAUNCH("cub::DeviceRadixSort::SortPairs launch");
    // `sorted` keeps one thread per bin: its documented order is each bin's values added one after
    // another in input order, which no split over threads can reproduce bit for bit.
    if (reproducible && l.block >= static_cast<int>(k_binned_lanes)) {
        const std::size_t shared_bytes = static_cast<std::size_t>(l.block) / k_binned_lanes * k_binned_lanes *
                                         sizeof(BinnedAccumulator<T>);
        segment_binned_warp_kernel<T><<<l.grid, l.block, shared_bytes, s>>>(keys, sorted, n, bins, nbins);
        DETAUDIT_CHECK_LAUNCH("segment_binned_warp_kernel launch");
        return;
    }
    segment_sum_kernel<T><<<l.grid, l.block, 0, s>>>(keys, sorted, n, bins, nbins, reproducible);
    DETAUDIT_CHECK_LAUNCH("segment_sum_kernel launch");
}

#define DETAUDIT_INSTANTIATE_SCATTER_CUDA(T)                                                                         \
    template void scatter_add_atomic<T>(const T*, const int64_t*, std::size_t, T*, std::size_t, const Launch&,      \
                                        cudaStream_t);                                                             \
    template std::size_t scatter_sort_scratch_bytes<T>(std::size_t, std::size_t);                                  \
    template void scatter_add_sorted<T>(const T*, const int64_t*, std::size_t, T*, std::size_t, void*, std::size_t, \
                                        bool, const Launch&, cudaStream_t);
DETAUDIT_INSTANTIATE_SCATTER_CUDA(float)
DETAUDIT_INSTANTIATE_SCATTER_CUDA(double)

} // namespace detaudit::kernels::cuda_detail
