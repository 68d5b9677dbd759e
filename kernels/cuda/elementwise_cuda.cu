// GPU elementwise math for the `elementwise` op: `libm` evaluates kernels/common's expressions with
// CUDA's math library (compiled without fast math, --fmad=false); `fast` swaps in the f32
// hardware intrinsics where CUDA has one.
#include "kernels/common/elementwise_math.hpp"
#include "kernels_cuda.cuh"

namespace detaudit::kernels::cuda_detail {
namespace {

using F = ElementwiseFunction;

template <typename T> __device__ T libm_value(F f, T x, T y) {
    namespace em = elementwise_math;
    switch (f) {
    case F::exp: return em::exp(x);
    case F::log: return em::log(x);
    case F::log1p: return em::log1p(x);
    case F::expm1: return em::expm1(x);
    case F::sin: return em::sin(x);
    case F::cos: return em::cos(x);
    case F::tan: return em::tan(x);
    case F::tanh: return em::tanh(x);
    case F::erf: return em::erf(x);
    case F::pow: return em::pow(x, y);
    case F::sqrt: return em::sqrt(x);
    case F::rsqrt: return em::rsqrt(x);
    case F::sigmoid: return em::sigmoid(x);
    case F::gelu: return em::gelu(x);
    }
    return x;
}

// The intrinsics trade accuracy for speed (CUDA Programming Guide, "Intrinsic Functions"):
// __expf, __logf, __sinf, __cosf, __tanf, __powf, rsqrtf (not IEEE), __fdividef.
__device__ float fast_value(F f, float x, float y) {
    switch (f) {
    case F::exp: return __expf(x);
    case F::log: return __logf(x);
    case F::sin: return __sinf(x);
    case F::cos: return __cosf(x);
    case F::tan: return __tanf(x);
    case F::pow: return __powf(x, y);
    case F::rsqrt: return rsqrtf(x);
    case F::sigmoid: return __fdividef(1.0f, 1.0f + __expf(-x));
    default: return libm_value(f, x, y);
    }
}
__device__ double fast_value(F f, double x, double y) { return libm_value(f, x, y); } // no f64 intrinsics

template <typename T>
__global__ void elementwise_kernel(bool fast, F f, const T* x, const T* y, T* out, std::size_t n) {
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        const T yi = y ? y[i] : T(0);
        out[i] = fast ? fast_value(f, x[i], yi) : libm_value(f, x[i], yi);
    }
}

} // namespace

template <typename T>
void elementwise_libm(F f, const T* x, const T* y, T* out, std::size_t n, const Launch& l, cudaStream_t s) {
    elementwise_kernel<T><<<l.grid, l.block, 0, s>>>(false, f, x, y, out, n);
    DETAUDIT_CHECK_LAUNCH("elementwise_kernel (libm) launch");
}

template <typename T>
void elementwise_fast(F f, const T* x, const T* y, T* out, std::size_t n, const Launch& l, cudaStream_t s) {
    elementwise_kernel<T><<<l.grid, l.block, 0, s>>>(true, f, x, y, out, n);
    DETAUDIT_CHECK_LAUNCH("elementwise_kernel (fast) launch");
}

template void elementwise_libm<float>(F, const float*, const float*, float*, std::size_t, const Launch&, cudaStream_t);
template void elementwise_libm<double>(F, const double*, const double*, double*, std::size_t, const Launch&, cudaStream_t);
template void elementwise_fast<float>(F, const float*, const float*, float*, std::size_t, const Launch&, cudaStream_t);
template void elementwise_fast<double>(F, const double*, const double*, double*, std::size_t, const Launch&, cudaStream_t);

} // namespace detaudit::kernels::cuda_detail
