// CPU sums of n values, one function per `reduce` algorithm (kernels/cuda mirrors the names).
#pragma once
#include <cstddef>
#include <string_view>
#include "cpu_settings.hpp"

namespace detaudit::kernels {

template <typename T> T reduce_sequential(const T* x, std::size_t n);
template <typename T> T reduce_pairwise(const T* x, std::size_t n);
template <typename T> T reduce_kahan(const T* x, std::size_t n);
// Fixed chunks (k_blocked_chunk) summed in parallel, partials combined in chunk order.
template <typename T> T reduce_blocked(const T* x, std::size_t n, const CpuSettings& settings);
// Each thread sums its contiguous share; partials combined in thread order.
template <typename T> T reduce_per_thread(const T* x, std::size_t n, const CpuSettings& settings);
// Chunk partials added into one accumulator with compare-and-swap, in arrival order.
template <typename T> T reduce_atomic(const T* x, std::size_t n, const CpuSettings& settings);
// Binned integer accumulation (kernels/common/binned_sum.hpp): same bits for any order.
template <typename T> T reduce_reproducible(const T* x, std::size_t n, const CpuSettings& settings);
// Per-exponent integer buckets (kernels/common/exact_sum.hpp): the correctly rounded sum
// (reduce_exact_cpu.cpp).
template <typename T> T reduce_exact(const T* x, std::size_t n, const CpuSettings& settings);

// A reduce algorithm's CPU kernel for both dtypes, bound to the catalog's algorithm of the same
// name (lib/catalog/catalog.cpp declares it). The cpu backend finds it once per cell.
struct CpuReduceKernel {
    std::string_view name;
    float (*f32)(const float* x, std::size_t n, const CpuSettings& settings);
    double (*f64)(const double* x, std::size_t n, const CpuSettings& settings);
    bool uses_threads; // false: runs on the calling thread whatever settings.threads says
};
// The kernel bound to `name`, or nullptr when the CPU has none.
const CpuReduceKernel* find_cpu_reduce_kernel(std::string_view name);

} // namespace detaudit::kernels
