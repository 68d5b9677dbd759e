// CPU scatter/segment sums for the `scatter_add` op: bins[index[i]] += values[i] (PyTorch's
// index_add_/scatter_add_, TensorFlow's segment_sum). kernels/cuda mirrors the names.
// Every function first sets bins[0..nbins) to zero; every index is < nbins (validated upstream).
#pragma once
#include <cstddef>
#include <cstdint>
#include "cpu_settings.hpp"

namespace detaudit::kernels {

// `atomic`: parallel over i, each add a compare-and-swap on its bin, in arrival order.
template <typename T>
void scatter_add_atomic(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                        const CpuSettings& s);
// `per_thread`: each thread sums its contiguous share of i into private bins (in i order);
// private bins merged into bins in thread order. Reproducible for a fixed thread count.
template <typename T>
void scatter_add_per_thread(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                            const CpuSettings& s);
// `sorted`: a stable order by (bin, original position), then each bin summed sequentially in that
// order (starting from -0.0). The same bits for any thread count.
template <typename T>
void scatter_add_sorted(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                        const CpuSettings& s);
// `reproducible`: per-bin order-independent accumulation (kernels/common/binned_sum.hpp); the
// same bits for any thread count, schedule and input order, and on any backend.
template <typename T>
void scatter_add_reproducible(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                              const CpuSettings& s);

} // namespace detaudit::kernels
