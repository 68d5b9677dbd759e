// CPU matrix products C = A·B for the `matmul` op (row-major; A is m×k, B is k×n, C is m×n).
// kernels/cuda mirrors the names.
#pragma once
#include <cstddef>
#include <string>
#include "cpu_settings.hpp"

namespace detaudit::kernels {

// `naive`: C[i,j] = fma chain over p = 0..k-1 in increasing order, starting from +0:
// acc = 0; acc = fma(A[i,p], B[p,j], acc). One thread. The order every other exact algorithm copies.
template <typename T> void matmul_naive(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k);
// `blocked`: cache-tiled, vectorised across j, multithreaded over tiles of C, but every C[i,j]
// accumulates in the same increasing-k fma order as naive: bitwise equal to it.
template <typename T>
void matmul_blocked(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, const CpuSettings& s);
// `splitk_atomic`: k split into one range per thread; each thread's partial products are added
// into C with compare-and-swap, in arrival order (not reproducible with several threads).
template <typename T>
void matmul_splitk_atomic(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k,
                          const CpuSettings& s);
// `blas`: the system CBLAS (OpenBLAS), its thread count set to s.threads with its own call.
template <typename T>
void matmul_blas(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, const CpuSettings& s);

// The BLAS library as it describes itself: name, version/config string, core type, threads.
struct BlasInfo {
    std::string name, config, core, threads;
};
BlasInfo blas_info();

} // namespace detaudit::kernels
