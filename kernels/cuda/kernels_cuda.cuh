// The kernels of kernels/cuda on device pointers, one function per algorithm, named as their CPU
// twins in kernels/cpu (rng_cuda.cu ~ rng_cpu.cpp, ...). cuda_device.cu owns memory and timing
// and calls these; every function only enqueues work on `stream` and checks its launches.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cstddef>
#include <cstdint>
#include "cuda_check.cuh"

namespace detaudit::kernels::cuda_detail {

// ---- rng_cuda.cu ----------------------------------------------------------------------------
// `philox`: kernels/common's stream, value i a pure function of (seed, i), as rng_philox on the CPU.
template <typename T>
void rng_philox(Distribution d, uint64_t seed, T* out, std::size_t count, const Launch& l, cudaStream_t stream);
// `curand_kernel`: thread t of the grid runs curand_init(seed, t, 0) and draws values t, t + T,
// t + 2T, ... (T = grid x block threads), the common user pattern: the launch decides the output.
template <typename T>
void rng_curand_kernel(Distribution d, uint64_t seed, T* out, std::size_t count, const Launch& l, cudaStream_t stream);
// `curand`: cuRAND's device generator, created once per op. `count` must be even for normal.
class CurandDeviceGenerator {
public:
    CurandDeviceGenerator();
    ~CurandDeviceGenerator();
    CurandDeviceGenerator(const CurandDeviceGenerator&) = delete;
    CurandDeviceGenerator& operator=(const CurandDeviceGenerator&) = delete;
    template <typename T>
    void generate(Distribution d, uint64_t seed, uint64_t offset, T* out, std::size_t count, cudaStream_t stream);

private:
    curandGenerator_t m_generator = nullptr;
};

// ---- reduce_cuda.cu -------------------------------------------------------------------------
// Scratch each algorithm needs for a launch (bytes), so cuda_device.cu can size it first.
template <typename T> std::size_t reduce_scratch_bytes(ReduceAlgorithm algorithm, std::size_t n, const Launch& l);
template <typename T> void reduce_atomic(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s);
template <typename T> void reduce_tree(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s);
template <typename T>
void reduce_cub(const T* x, std::size_t n, T* out, void* scratch, std::size_t scratch_bytes, cudaStream_t s);
template <typename T> void reduce_blocked(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s);
template <typename T>
void reduce_reproducible(const T* x, std::size_t n, T* out, void* scratch, const Launch& l, cudaStream_t s);

// ---- matmul_cuda.cu -------------------------------------------------------------------------
template <typename T>
void matmul_naive(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, const Launch& l, cudaStream_t s);
template <typename T>
void matmul_tiled(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, cudaStream_t s);
template <typename T>
void matmul_splitk_atomic(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, const Launch& l,
                          cudaStream_t s);
// f32 → f16 or bf16 (round to nearest even), for cublas with `precision`.
void convert_f32(const float* in, void* out, std::size_t n, CublasPrecision p, cudaStream_t s);
// C = A·B (row-major) with cublasGemmEx on the handle's current stream and math mode.
void matmul_cublas(cublasHandle_t handle, const CudaOp& op, const void* a, const void* b, void* c);
void set_cublas_math(cublasHandle_t handle, CublasMath math);

// ---- scatter_cuda.cu ------------------------------------------------------------------------
template <typename T>
void scatter_add_atomic(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins, const Launch& l,
                        cudaStream_t s);
// `sorted` and `reproducible` share one CUB radix sort of (index, value) pairs by index: stable,
// so each bin's values are in input order. Scratch: sorted keys, sorted values, CUB's temporary.
template <typename T> std::size_t scatter_sort_scratch_bytes(std::size_t n, std::size_t nbins);
template <typename T>
void scatter_add_sorted(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins, void* scratch,
                        std::size_t scratch_bytes, bool reproducible, const Launch& l, cudaStream_t s);

// ---- elementwise_cuda.cu --------------------------------------------------------------------
// `libm`: CUDA's math library as compiled without fast math (what the issue calls "precise").
template <typename T>
void elementwise_libm(ElementwiseFunction f, const T* x, const T* y, T* out, std::size_t n, const Launch& l,
                      cudaStream_t s);
// `fast`: the f32 intrinsics (__expf, __logf, __sinf, __cosf, __tanf, __powf, rsqrtf,
// __fdividef); functions without one, and every f64 function, as libm.
template <typename T>
void elementwise_fast(ElementwiseFunction f, const T* x, const T* y, T* out, std::size_t n, const Launch& l,
                      cudaStream_t s);

} // namespace detaudit::kernels::cuda_detail
