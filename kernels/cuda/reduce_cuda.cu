// GPU sums for the `reduce` op. `blocked` and `reproducible` run kernels/common's arithmetic in
// the CPU's order (the CPU's bits); `atomic`, `tree` and `cub` are the GPU's own orders.
#include <cub/device/device_reduce.cuh>
#include <cstring>
#include "kernels/common/binned_sum.hpp"
#include "kernels/common/lane_sum.hpp"
#include "kernels_cuda.cuh"

namespace detaudit::kernels::cuda_detail {
namespace {

constexpr int k_max_block = 1024;
constexpr std::size_t k_reproducible_tile = 8; // values per thread per step of `reproducible`

// Sum of one grid-stride share per thread, then a shared-memory halving tree over the block
// (blockDim.x is a multiple of 32 up to 1024; the tree handles any such size). Fixed order for a
// fixed launch.
template <typename T> __device__ T block_tree_sum(T v) {
    __shared__ T shared[k_max_block];
    shared[threadIdx.x] = v;
    __syncthreads();
    for (unsigned width = 1; width < blockDim.x; width *= 2) {
        const unsigned i = threadIdx.x;
        if (i % (2 * width) == 0 && i + width < blockDim.x) shared[i] = shared[i] + shared[i + width];
        __syncthreads();
    }
    return shared[0];
}

template <typename T> __device__ T grid_stride_sum(const T* x, std::size_t n) {
    T s = additive_identity<T>();
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) s += x[i];
    return s;
}

template <typename T> __global__ void set_identity_kernel(T* out) { *out = additive_identity<T>(); }

template <typename T> __global__ void atomic_kernel(const T* x, std::size_t n, T* out) {
    const T block_sum = block_tree_sum(grid_stride_sum(x, n));
    if (threadIdx.x == 0) atomicAdd(out, block_sum); // blocks arrive in any order
}

template <typename T> __global__ void tree_pass1_kernel(const T* x, std::size_t n, T* partials) {
    const T block_sum = block_tree_sum(grid_stride_sum(x, n));
    if (threadIdx.x == 0) partials[blockIdx.x] = block_sum;
}
template <typename T> __global__ void tree_pass2_kernel(const T* partials, std::size_t count, T* out) {
    T s = additive_identity<T>();
    for (std::size_t i = threadIdx.x; i < count; i += blockDim.x) s += partials[i];
    const T total = block_tree_sum(s);
    if (threadIdx.x == 0) *out = total;
}

// `blocked`: 16 threads per 4096-element chunk, thread l holding lane l (elements l, l + 16, ...
// of the chunk, in order, from -0.0: lane_tree_sum's lanes), then lane_tree_sum's halving tree
// (lane[l] + lane[l + w] for w = 8, 4, 2, 1) by shuffles.
template <typename T> __global__ void blocked_chunks_kernel(const T* x, std::size_t n, T* partials) {
    const std::size_t chunks = (n + k_blocked_chunk - 1) / k_blocked_chunk;
    const unsigned lane = threadIdx.x % k_lanes;
    const std::size_t groups_per_block = blockDim.x / k_lanes;
    const std::size_t group = static_cast<std::size_t>(blockIdx.x) * groups_per_block + threadIdx.x / k_lanes;
    const std::size_t group_stride = static_cast<std::size_t>(gridDim.x) * groups_per_block;
    // Every thread of a warp runs the same number of iterations (the shuffles need all of them).
    const std::size_t rounds = (chunks + group_stride - 1) / group_stride;
    for (std::size_t r = 0; r < rounds; ++r) {
        const std::size_t c = group + r * group_stride;
        T acc = additive_identity<T>();
        if (c < chunks) {
            const std::size_t begin = c * k_blocked_chunk;
            const std::size_t len = n - begin < k_blocked_chunk ? n - begin : k_blocked_chunk;
            for (std::size_t i = lane; i < len; i += k_lanes) acc += x[begin + i];
        }
        for (unsigned width = k_lanes / 2; width >= 1; width /= 2)
            acc = acc + __shfl_down_sync(0xffffffffu, acc, width, k_lanes);
        if (c < chunks && lane == 0) partials[c] = acc;
    }
}
template <typename T> __global__ void combine_in_order_kernel(const T* partials, std::size_t count, T* out) {
    *out = combine_in_order(partials, count); // one thread: chunk order, as the CPU
}

// `reproducible`: each thread deposits a grid-stride share of tiles of k_reproducible_tile values
// into its own accumulator, as the CPU deposits its blocks (one raise of the top bin and one scale
// per tile: binned_deposit_finite_block, the CPU's routine; tiles holding NaN or Inf element by
// element); the block's accumulators are merged by a tree, the blocks' by one thread. Deposits and
// merges are exact integer arithmetic, so neither the split nor the merge order changes the bits
// (the CPU's).
template <typename T> __global__ void reproducible_pass1_kernel(const T* x, std::size_t n, BinnedAccumulator<T>* partials) {
    using Tr = FloatTraits<T>;
    extern __shared__ __align__(16) unsigned char shared_bytes[];
    auto* shared = reinterpret_cast<BinnedAccumulator<T>*>(shared_bytes);
    BinnedAccumulator<T> acc;
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x * k_reproducible_tile;
    for (std::size_t base = (static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x) * k_reproducible_tile;
         base < n; base += stride) {
        const std::size_t len = n - base < k_reproducible_tile ? n - base : k_reproducible_tile;
        T tile[k_reproducible_tile];
        typename Tr::Bits max_bits = 0;
        for (std::size_t j = 0; j < len; ++j) {
            tile[j] = x[base + j];
            const auto b = to_bits(tile[j]) & Tr::k_abs_mask;
            max_bits = b > max_bits ? b : max_bits;
        }
        if (max_bits >= Tr::k_exp_mask)
            for (std::size_t j = 0; j < len; ++j) binned_deposit(acc, tile[j]);
        else
            binned_deposit_finite_block(acc, tile, len, max_bits);
    }
    shared[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned width = 1; width < blockDim.x; width *= 2) {
        const unsigned i = threadIdx.x;
        if (i % (2 * width) == 0 && i + width < blockDim.x) binned_merge(shared[i], shared[i + width]);
        __syncthreads();
    }
    if (threadIdx.x == 0) partials[blockIdx.x] = shared[0];
}
template <typename T>
__global__ void reproducible_pass2_kernel(const BinnedAccumulator<T>* partials, std::size_t count, T* out) {
    BinnedAccumulator<T> total;
    for (std::size_t i = 0; i < count; ++i) binned_merge(total, partials[i]);
    *out = binned_finalize(total);
}

std::size_t chunks_of(std::size_t n) { return (n + k_blocked_chunk - 1) / k_blocked_chunk; }

template <typename T> std::size_t cub_temp_bytes(std::size_t n) {
    std::size_t bytes = 0;
    check(cub::DeviceReduce::Sum(nullptr, bytes, static_cast<const T*>(nullptr), static_cast<T*>(nullptr),
                                 static_cast<int64_t>(n)),
          "cub::DeviceReduce::Sum (temporary storage size)");
    return bytes;
}

void check_block(const Launch& l, const char* algorithm) {
    if (l.block > k_max_block || l.block % 32 != 0)
        throw CudaFailure(std::string("reduce/") + algorithm + ": block size " + std::to_string(l.block) +
                          " is not a multiple of 32 up to 1024");
}

} // namespace

template <typename T> std::size_t reduce_scratch_bytes(ReduceAlgorithm algorithm, std::size_t n, const Launch& l) {
    const auto grid = static_cast<std::size_t>(l.grid);
    switch (algorithm) {
    case ReduceAlgorithm::tree: return grid * sizeof(T);
    case ReduceAlgorithm::blocked: return chunks_of(n) * sizeof(T);
    case ReduceAlgorithm::reproducible: return grid * sizeof(BinnedAccumulator<T>);
    // Never 0: CUB reads a null temporary pointer as a size query and would not reduce.
    case ReduceAlgorithm::cub: return cub_temp_bytes<T>(n) + 1;
    default: return 0;
    }
}

template <typename T> void reduce_atomic(const T* x, std::size_t n, T* out, void*, const Launch& l, cudaStream_t s) {
    check_block(l, "atomic");
    set_identity_kernel<T><<<1, 1, 0, s>>>(out);
    DETAUDIT_CHECK_LAUNCH("set_identity_kernel launch");
    atomic_kernel<T><<<l.grid, l.block, 0, s>>>(x, n, out);
    DETAUDIT_CHECK_LAUNCH("atomic_kernel launch");
}

template <typename T> void reduce_tree(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s) {
    check_block(l, "tree");
    auto* partials = static_cast<T*>(scratch);
    tree_pass1_kernel<T><<<l.grid, l.block, 0, s>>>(x, n, partials);
    DETAUDIT_CHECK_LAUNCH("tree_pass1_kernel launch");
    tree_pass2_kernel<T><<<1, l.block, 0, s>>>(partials, static_cast<std::size_t>(l.grid), out);
    DETAUDIT_CHECK_LAUNCH("tree_pass2_kernel launch");
}

template <typename T>
void reduce_cub(const T* x, std::size_t n, T* out, void* scratch, std::size_t scratch_bytes, cudaStream_t s) {
    check(cub::DeviceReduce::Sum(scratch, scratch_bytes, x, out, static_cast<int64_t>(n), s), "cub::DeviceReduce::Sum");
    DETAUDIT_CHECK_LAUNCH("cub::DeviceReduce::Sum launch");
}

template <typename T>
void reduce_blocked(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s) {
    check_block(l, "blocked");
    auto* partials = static_cast<T*>(scratch);
    blocked_chunks_kernel<T><<<l.grid, l.block, 0, s>>>(x, n, partials);
    DETAUDIT_CHECK_LAUNCH("blocked_chunks_kernel launch");
    combine_in_order_kernel<T><<<1, 1, 0, s>>>(partials, chunks_of(n), out);
    DETAUDIT_CHECK_LAUNCH("combine_in_order_kernel launch");
}

template <typename T>
void reduce_reproducible(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s) {
    check_block(l, "reproducible");
    auto* partials = static_cast<BinnedAccumulator<T>*>(scratch);
    const std::size_t shared = static_cast<std::size_t>(l.block) * sizeof(BinnedAccumulator<T>);
    if (shared > 48 * 1024) // the default dynamic shared memory limit
        throw CudaFailure("reduce/reproducible: block size " + std::to_string(l.block) + " needs " +
                          std::to_string(shared) + " bytes of shared memory (at most 49152: use cuda.block_size <= " +
                          std::to_string(48 * 1024 / sizeof(BinnedAccumulator<T>) / 32 * 32) + ")");
    reproducible_pass1_kernel<T><<<l.grid, l.block, shared, s>>>(x, n, partials);
    DETAUDIT_CHECK_LAUNCH("reproducible_pass1_kernel launch");
    reproducible_pass2_kernel<T><<<1, 1, 0, s>>>(partials, static_cast<std::size_t>(l.grid), out);
    DETAUDIT_CHECK_LAUNCH("reproducible_pass2_kernel launch");
}

#define DETAUDIT_INSTANTIATE_REDUCE_CUDA(T)                                                                        \
    template std::size_t reduce_scratch_bytes<T>(ReduceAlgorithm, std::size_t, const Launch&);                         \
    template void reduce_atomic<T>(const T*, std::size_t, T*, void*, const Launch&, cudaStream_t);                 \
    template void reduce_tree<T>(const T*, std::size_t, T*, void*, const Launch&, cudaStream_t);                   \
    template void reduce_cub<T>(const T*, std::size_t, T*, void*, std::size_t, cudaStream_t);                      \
    template void reduce_blocked<T>(const T*, std::size_t, T*, void*, const Launch&, cudaStream_t);                \
    template void reduce_reproducible<T>(const T*, std::size_t, T*, void*, const Launch&, cudaStream_t);
DETAUDIT_INSTANTIATE_REDUCE_CUDA(float)
DETAUDIT_INSTANTIATE_REDUCE_CUDA(double)

} // namespace detaudit::kernels::cuda_detail
