// GPU matrix products for the `matmul` op (row-major, C = A·B, A m×k, B k×n). `naive` and `tiled`
// run kernels/common's fma chain in increasing k (the CPU naive's bits); `splitk_atomic` adds k
// slices with atomicAdd; `cublas` calls cublasGemmEx.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include "kernels/common/matmul_order.hpp"
#include "kernels_cuda.cuh"

namespace detaudit::kernels::cuda_detail {
namespace {

constexpr int k_tile = 16;

// One thread per C element (grid-stride over m·n, j fastest so a warp reads consecutive B).
template <typename T> __global__ void naive_kernel(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k) {
    const std::size_t total = m * n;
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t e = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += stride) {
        const std::size_t i = e / n, j = e % n;
        c[e] = naive_dot(a + i * k, b + j, k, n);
    }
}

// Shared-memory tiles of A and B; within a tile p increases, tiles are taken in increasing k, and
// every step is matmul_step on one accumulator started at matmul_start: naive's chain exactly.
template <typename T> __global__ void tiled_kernel(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k) {
    __shared__ T as[k_tile][k_tile];
    __shared__ T bs[k_tile][k_tile];
    const std::size_t row = static_cast<std::size_t>(blockIdx.y) * k_tile + threadIdx.y;
    const std::size_t col = static_cast<std::size_t>(blockIdx.x) * k_tile + threadIdx.x;
    T acc = matmul_start<T>();
    for (std::size_t t = 0; t < k; t += k_tile) {
        const std::size_t ak = t + threadIdx.x, bk = t + threadIdx.y;
        as[threadIdx.y][threadIdx.x] = row < m && ak < k ? a[row * k + ak] : T(0);
        bs[threadIdx.y][threadIdx.x] = bk < k && col < n ? b[bk * n + col] : T(0);
        __syncthreads();
        const std::size_t len = k - t < static_cast<std::size_t>(k_tile) ? k - t : k_tile;
        for (std::size_t p = 0; p < len; ++p) acc = matmul_step(as[threadIdx.y][p], bs[p][threadIdx.x], acc);
        __syncthreads();
    }
    if (row < m && col < n) c[row * n + col] = acc;
}

// blockIdx.y picks a slice of k; each slice's fma chain is added into C with atomicAdd.
template <typename T>
__global__ void splitk_kernel(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, std::size_t slice) {
    const std::size_t p0 = static_cast<std::size_t>(blockIdx.y) * slice;
    const std::size_t p1 = p0 + slice < k ? p0 + slice : k;
    const std::size_t total = m * n;
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t e = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += stride) {
        const std::size_t i = e / n, j = e % n;
        T acc = matmul_start<T>();
        for (std::size_t p = p0; p < p1; ++p) acc = matmul_step(a[i * k + p], b[p * n + j], acc);
        atomicAdd(c + e, acc);
    }
}

__global__ void to_half_kernel(const float* in, __half* out, std::size_t n) {
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
        out[i] = __float2half_rn(in[i]);
}
__global__ void to_bf16_kernel(const float* in, __nv_bfloat16* out, std::size_t n) {
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
        out[i] = __float2bfloat16_rn(in[i]);
}

int as_int(std::size_t v, const char* what) {
    if (v > 2147483647u)
        throw CudaFailure(std::string("matmul/cublas: ") + what + " = " + std::to_string(v) + " exceeds cuBLAS's int range");
    return static_cast<int>(v);
}

} // namespace

template <typename T>
void matmul_naive(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, const Launch& l, cudaStream_t s) {
    naive_kernel<T><<<l.grid, l.block, 0, s>>>(a, b, c, m, n, k);
    DETAUDIT_CHECK_LAUNCH("naive_kernel launch");
}

template <typename T>
void matmul_tiled(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, cudaStream_t s) {
    const dim3 block(k_tile, k_tile);
    const std::size_t gx = (n + k_tile - 1) / k_tile, gy = (m + k_tile - 1) / k_tile;
    if (gx > 2147483647u || gy > 65535u)
        throw CudaFailure("matmul/tiled: " + std::to_string(m) + " x " + std::to_string(n) +
                          " needs more than 65535 tile rows (grid y limit)");
    tiled_kernel<T><<<dim3(static_cast<unsigned>(gx), static_cast<unsigned>(gy)), block, 0, s>>>(a, b, c, m, n, k);
    DETAUDIT_CHECK_LAUNCH("tiled_kernel launch");
}

template <typename T>
void matmul_splitk_atomic(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k, const Launch& l,
                          cudaStream_t s) {
    // Up to 16 slices of at least 64: several blocks add into every C element.
    std::size_t slices = (k + 63) / 64;
    if (slices > 16) slices = 16;
    const std::size_t slice = (k + slices - 1) / slices;
    check(cudaMemsetAsync(c, 0, m * n * sizeof(T), s), "cudaMemsetAsync");
    splitk_kernel<T><<<dim3(static_cast<unsigned>(l.grid), static_cast<unsigned>(slices)), l.block, 0, s>>>(a, b, c, m, n, k, slice);
    DETAUDIT_CHECK_LAUNCH("splitk_kernel launch");
}

void convert_f32(const float* in, void* out, std::size_t n, CublasPrecision p, cudaStream_t s) {
    const unsigned grid = static_cast<unsigned>(n / 256 + 1 < 4096 ? n / 256 + 1 : 4096);
    if (p == CublasPrecision::f16) to_half_kernel<<<grid, 256, 0, s>>>(in, static_cast<__half*>(out), n);
    else to_bf16_kernel<<<grid, 256, 0, s>>>(in, static_cast<__nv_bfloat16*>(out), n);
    DETAUDIT_CHECK_LAUNCH("f32 conversion kernel launch");
}

void set_cublas_math(cublasHandle_t handle, CublasMath math) {
    const cublasMath_t mode = math == CublasMath::tf32       ? CUBLAS_TF32_TENSOR_OP_MATH
                              : math == CublasMath::pedantic ? CUBLAS_PEDANTIC_MATH
                                                             : CUBLAS_DEFAULT_MATH;
    check(cublasSetMathMode(handle, mode), "cublasSetMathMode");
}

void matmul_cublas(cublasHandle_t handle, const CudaOp& op, const void* a, const void* b, void* c) {
    // Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: swap the operands, no transposition.
    const int m = as_int(op.m, "m"), n = as_int(op.n, "n"), k = as_int(op.k, "k");
    if (op.f64) {
        const double alpha = 1.0, beta = 0.0;
        const cublasComputeType_t compute = op.math == CublasMath::pedantic ? CUBLAS_COMPUTE_64F_PEDANTIC : CUBLAS_COMPUTE_64F;
        check(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, b, CUDA_R_64F, n, a, CUDA_R_64F, k, &beta, c,
                           CUDA_R_64F, n, compute, CUBLAS_GEMM_DEFAULT),
              "cublasGemmEx (f64)");
        return;
    }
    const float alpha = 1.0f, beta = 0.0f;
    const cudaDataType_t in = op.precision == CublasPrecision::f16    ? CUDA_R_16F
                              : op.precision == CublasPrecision::bf16 ? CUDA_R_16BF
                                                                      : CUDA_R_32F;
    const cublasComputeType_t compute = op.math == CublasMath::pedantic ? CUBLAS_COMPUTE_32F_PEDANTIC
                                        : op.math == CublasMath::tf32 && op.precision == CublasPrecision::same
                                            ? CUBLAS_COMPUTE_32F_FAST_TF32
                                            : CUBLAS_COMPUTE_32F;
    check(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, b, in, n, a, in, k, &beta, c, CUDA_R_32F, n,
                       compute, CUBLAS_GEMM_DEFAULT),
          "cublasGemmEx (f32 output)");
}

#define DETAUDIT_INSTANTIATE_MATMUL_CUDA(T)                                                                          \
    template void matmul_naive<T>(const T*, const T*, T*, std::size_t, std::size_t, std::size_t, const Launch&,      \
                                  cudaStream_t);                                                                   \
    template void matmul_tiled<T>(const T*, const T*, T*, std::size_t, std::size_t, std::size_t, cudaStream_t);      \
    template void matmul_splitk_atomic<T>(const T*, const T*, T*, std::size_t, std::size_t, std::size_t,             \
                                          const Launch&, cudaStream_t);
DETAUDIT_INSTANTIATE_MATMUL_CUDA(float)
DETAUDIT_INSTANTIATE_MATMUL_CUDA(double)

} // namespace detaudit::kernels::cuda_detail
