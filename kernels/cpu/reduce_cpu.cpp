#include "reduce_cpu.hpp"
#include <atomic>
#include <mutex>
#include <vector>
#include <omp.h>
#include "../common/binned_sum.hpp"
#include "../common/lane_sum.hpp"
#include "binned_deposit_simd.hpp"
#include "vector_clones.hpp"

namespace detaudit::kernels {
namespace {

constexpr std::size_t k_reproducible_block = 8192; // 32 KiB of f32: both passes stay in L1/L2

DETAUDIT_VECTOR_CLONES float chunk_sum_f32(const float* x, std::size_t n) { return lane_tree_sum(x, n); }
DETAUDIT_VECTOR_CLONES double chunk_sum_f64(const double* x, std::size_t n) { return lane_tree_sum(x, n); }
float chunk_sum(const float* x, std::size_t n) { return chunk_sum_f32(x, n); }
double chunk_sum(const double* x, std::size_t n) { return chunk_sum_f64(x, n); }

template <typename T> DETAUDIT_HD_HOT typename FloatTraits<T>::Bits max_abs_bits(const T* x, std::size_t n) {
    using Tr = FloatTraits<T>;
    typename Tr::Bits m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = to_bits(x[i]) & Tr::k_abs_mask;
        m = b > m ? b : m;
    }
    return m;
}

template <typename T> DETAUDIT_HD_HOT void deposit_block(BinnedAccumulator<T>& acc, const T* x, std::size_t n) {
    using Tr = FloatTraits<T>;
    if (acc.top_bin >= 0) { // the usual case: one pass that also finds the block's largest magnitude
        const BinScale<T> s = bin_scale<T>(acc.top_bin);
        int64_t limbs[k_limbs] = {};
        const auto fits = [&](const simd::BlockScan<T>& scan) {
            return scan.max_bits < Tr::k_exp_mask && bin_of_abs_bits<T>(scan.max_bits) <= acc.top_bin;
        };
        simd::BlockScan<T> scan{0, true};
        // f32 spans 24 bits: its third piece is nearly always zero, so try two pieces first.
        if constexpr (sizeof(T) == 4)
            scan = s.two_step ? simd::deposit_at_top<T, true, 2>(x, n, s, limbs)
                              : simd::deposit_at_top<T, false, 2>(x, n, s, limbs);
        if (scan.bits_below_pieces && (sizeof(T) == 8 || fits(scan)))
            scan = s.two_step ? simd::deposit_at_top<T, true>(x, n, s, limbs)
                              : simd::deposit_at_top<T, false>(x, n, s, limbs);
        if (fits(scan)) {
            for (int j = 0; j < k_limbs; ++j) acc.limb[j] += limbs[j];
            return;
        }
        // A larger element (or NaN/Inf): drop the block's sums and deposit it as below.
    }
    const auto max_bits = max_abs_bits(x, n);
    if (max_bits >= Tr::k_exp_mask) { // NaN or Inf in this block: the rare element-wise path
        for (std::size_t i = 0; i < n; ++i) binned_deposit(acc, x[i]);
        return;
    }
    binned_deposit_finite_block(acc, x, n, max_bits);
}

DETAUDIT_VECTOR_CLONES void deposit_blocks_f32(BinnedAccumulator<float>& acc, const float* x,
                                               std::size_t n) {
    for (std::size_t i = 0; i < n; i += k_reproducible_block)
        deposit_block(acc, x + i, std::min(k_reproducible_block, n - i));
}
DETAUDIT_VECTOR_CLONES void deposit_blocks_f64(BinnedAccumulator<double>& acc, const double* x,
                                               std::size_t n) {
    for (std::size_t i = 0; i < n; i += k_reproducible_block)
        deposit_block(acc, x + i, std::min(k_reproducible_block, n - i));
}
void deposit_blocks(BinnedAccumulator<float>& acc, const float* x, std::size_t n) {
    deposit_blocks_f32(acc, x, n);
}
void deposit_blocks(BinnedAccumulator<double>& acc, const double* x, std::size_t n) {
    deposit_blocks_f64(acc, x, n);
}

std::size_t chunk_count(std::size_t n, std::size_t chunk) { return (n + chunk - 1) / chunk; }

} // namespace

template <typename T> T reduce_sequential(const T* x, std::size_t n) { return sequential_sum(x, n); }
template <typename T> T reduce_pairwise(const T* x, std::size_t n) { return pairwise_sum(x, n); }
template <typename T> T reduce_kahan(const T* x, std::size_t n) { return kahan_sum(x, n); }

template <typename T> T reduce_blocked(const T* x, std::size_t n, const CpuSettings& settings) {
    const std::size_t chunks = chunk_count(n, k_blocked_chunk);
    std::vector<T> partials(chunks);
    apply_openmp_schedule(settings);
#pragma omp parallel for schedule(runtime) num_threads(settings.threads)
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t begin = c * k_blocked_chunk;
        partials[c] = chunk_sum(x + begin, std::min(k_blocked_chunk, n - begin));
    }
    return combine_in_order(partials.data(), chunks);
}

template <typename T> T reduce_per_thread(const T* x, std::size_t n, const CpuSettings& settings) {
    std::vector<T> partials(static_cast<std::size_t>(settings.threads), additive_identity<T>());
    int used_threads = 1;
#pragma omp parallel num_threads(settings.threads)
    {
        const auto team = static_cast<std::size_t>(omp_get_num_threads());
        const auto me = static_cast<std::size_t>(omp_get_thread_num());
        if (me == 0) used_threads = static_cast<int>(team);
        const std::size_t begin = n * me / team;
        const std::size_t end = n * (me + 1) / team;
        partials[me] = sequential_sum(x + begin, end - begin);
    }
    return combine_in_order(partials.data(), static_cast<std::size_t>(used_threads));
}

template <typename T> T reduce_atomic(const T* x, std::size_t n, const CpuSettings& settings) {
    std::atomic<T> total{additive_identity<T>()};
    const std::size_t chunks = chunk_count(n, k_blocked_chunk);
    apply_openmp_schedule(settings);
#pragma omp parallel for schedule(runtime) num_threads(settings.threads)
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t begin = c * k_blocked_chunk;
        const T partial = chunk_sum(x + begin, std::min(k_blocked_chunk, n - begin));
        T seen = total.load(std::memory_order_relaxed);
        while (!total.compare_exchange_weak(seen, seen + partial, std::memory_order_relaxed)) {
        }
    }
    return total.load();
}

template <typename T> T reduce_reproducible(const T* x, std::size_t n, const CpuSettings& settings) {
    BinnedAccumulator<T> total;
    std::mutex merge_lock;
    const std::size_t blocks = chunk_count(n, k_reproducible_block);
    apply_openmp_schedule(settings);
#pragma omp parallel num_threads(settings.threads)
    {
        BinnedAccumulator<T> mine;
#pragma omp for schedule(runtime) nowait
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t begin = b * k_reproducible_block;
            deposit_blocks(mine, x + begin, std::min(k_reproducible_block, n - begin));
        }
        // Merge order is whatever order threads finish in: the accumulator makes it irrelevant.
        std::lock_guard<std::mutex> guard(merge_lock);
        binned_merge(total, mine);
    }
    return binned_finalize(total);
}

#define DETAUDIT_INSTANTIATE_REDUCE(T)                                                             \
    template T reduce_sequential<T>(const T*, std::size_t);                                        \
    template T reduce_pairwise<T>(const T*, std::size_t);                                          \
    template T reduce_kahan<T>(const T*, std::size_t);                                             \
    template T reduce_blocked<T>(const T*, std::size_t, const CpuSettings&);                       \
    template T reduce_per_thread<T>(const T*, std::size_t, const CpuSettings&);                    \
    template T reduce_atomic<T>(const T*, std::size_t, const CpuSettings&);                        \
    template T reduce_reproducible<T>(const T*, std::size_t, const CpuSettings&);
DETAUDIT_INSTANTIATE_REDUCE(float)
DETAUDIT_INSTANTIATE_REDUCE(double)

namespace {

// The sequential sums take no settings: they run on the calling thread.
template <typename T, T (*Sum)(const T*, std::size_t)>
T on_one_thread(const T* x, std::size_t n, const CpuSettings&) {
    return Sum(x, n);
}

// The binding of each catalog reduce algorithm the CPU implements: one row per algorithm.
const CpuReduceKernel k_reduce_kernels[] = {
    {"sequential", on_one_thread<float, reduce_sequential<float>>, on_one_thread<double, reduce_sequential<double>>, false},
    {"pairwise", on_one_thread<float, reduce_pairwise<float>>, on_one_thread<double, reduce_pairwise<double>>, false},
    {"kahan", on_one_thread<float, reduce_kahan<float>>, on_one_thread<double, reduce_kahan<double>>, false},
    {"blocked", reduce_blocked<float>, reduce_blocked<double>, true},
    {"per_thread", reduce_per_thread<float>, reduce_per_thread<double>, true},
    {"atomic", reduce_atomic<float>, reduce_atomic<double>, true},
    {"reproducible", reduce_reproducible<float>, reduce_reproducible<double>, true},
    {"exact", reduce_exact<float>, reduce_exact<double>, true}, // reduce_exact_cpu.cpp
};

} // namespace

const CpuReduceKernel* find_cpu_reduce_kernel(std::string_view name) {
    for (const auto& kernel : k_reduce_kernels)
        if (kernel.name == name) return &kernel;
    return nullptr;
}

} // namespace detaudit::kernels
