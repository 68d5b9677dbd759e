// GPU random number generators for the `rng` op: `philox` (kernels/common's stream, the CPU's
// bits), `curand_kernel` (per-thread curand_init, launch-dependent) and `curand` (cuRAND's
// device generator).
#include <curand_kernel.h>
#include "kernels/common/philox.hpp"
#include "kernels/common/rng_layout.hpp"
#include "kernels_cuda.cuh"

namespace detaudit::kernels::cuda_detail {
namespace {

// Box-Muller exactly as kernels/common's host path writes it, with CUDA's logf/sinf/cosf/sqrtf
// (no fast math): the expression is the same, the library functions may round differently from
// glibc's by an ULP or two, which the normal cells measure.
__device__ NormalPairF32 box_muller_f32_device(uint32_t x, uint32_t y) {
    const float u = uniform_f32(x);
    const float v_scaled = static_cast<float>(y) * k_two_pow_m32_2pi;
    const float v = v_scaled + k_two_pow_m32_2pi / 2.0f;
    const float s = sqrtf(-2.0f * logf(u));
    return {sinf(v) * s, cosf(v) * s};
}
__device__ NormalPairF64 box_muller_f64_device(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
    const uint64_t zx = static_cast<uint64_t>(x0) ^ (static_cast<uint64_t>(x1) << (53 - 32));
    const uint64_t zy = static_cast<uint64_t>(y0) ^ (static_cast<uint64_t>(y1) << (53 - 32));
    const double u = static_cast<double>(zx) * k_two_pow_m53 + k_two_pow_m53 / 2.0;
    const double v = static_cast<double>(zy) * (k_two_pow_m53 * 2.0) + k_two_pow_m53;
    const double s = sqrt(-2.0 * log(u));
    return {sin(v * k_pi) * s, cos(v * k_pi) * s};
}

// f32 uniform: thread per Philox block, four consecutive values (rng_philox's fast path).
__global__ void philox_uniform_f32_kernel(uint64_t seed, float* out, std::size_t count) {
    const std::size_t blocks = (count + 3) / 4;
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t b = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; b < blocks; b += stride) {
        const Philox4x32 r = philox_block(seed, b);
        for (std::size_t j = 0; j < 4 && 4 * b + j < count; ++j) out[4 * b + j] = uniform_f32(r.v[j]);
    }
}

// Every other (dtype, distribution): thread per draw, kernels/common/rng_layout.hpp's layout.
template <typename T>
__global__ void philox_draws_kernel(Distribution distribution, uint64_t seed, T* out, std::size_t count) {
    const DrawLayout layout = draw_layout<T>(distribution);
    const std::size_t draws = draw_count(layout, count);
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    for (std::size_t d = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; d < draws; d += stride) {
        const DrawWords drawn = draw_words(seed, d * layout.words);
        const uint32_t* w = drawn.words();
        const std::size_t slot = d * layout.values;
        if (distribution == Distribution::uniform) {
            out[slot] = uniform_of<T>(w);
            continue;
        }
        if constexpr (sizeof(T) == 4) {
            const NormalPairF32 p = box_muller_f32_device(w[0], w[1]);
            out[slot] = p.first;
            if (slot + 1 < count) out[slot + 1] = p.second;
        } else {
            const NormalPairF64 p = box_muller_f64_device(w[0], w[1], w[2], w[3]);
            out[slot] = p.first;
            if (slot + 1 < count) out[slot + 1] = p.second;
        }
    }
}

template <typename T>
__global__ void curand_kernel_kernel(bool normal, uint64_t seed, T* out, std::size_t count) {
    const std::size_t tid = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    curandStatePhilox4_32_10_t state;
    curand_init(seed, tid, 0, &state);
    for (std::size_t i = tid; i < count; i += stride) {
        if constexpr (sizeof(T) == 4) out[i] = normal ? curand_normal(&state) : curand_uniform(&state);
        else out[i] = normal ? curand_normal_double(&state) : curand_uniform_double(&state);
    }
}

} // namespace

template <typename T>
void rng_philox(Distribution d, uint64_t seed, T* out, std::size_t count, const Launch& l, cudaStream_t stream) {
    if constexpr (sizeof(T) == 4) {
        if (d == Distribution::uniform) {
            philox_uniform_f32_kernel<<<l.grid, l.block, 0, stream>>>(seed, out, count);
            DETAUDIT_CHECK_LAUNCH("philox_uniform_f32_kernel launch");
            return;
        }
    }
    philox_draws_kernel<T><<<l.grid, l.block, 0, stream>>>(d, seed, out, count);
    DETAUDIT_CHECK_LAUNCH("philox_draws_kernel launch");
}

template <typename T>
void rng_curand_kernel(Distribution d, uint64_t seed, T* out, std::size_t count, const Launch& l, cudaStream_t stream) {
    curand_kernel_kernel<T><<<l.grid, l.block, 0, stream>>>(d == Distribution::normal, seed, out, count);
    DETAUDIT_CHECK_LAUNCH("curand_kernel_kernel launch");
}

CurandDeviceGenerator::CurandDeviceGenerator() {
    check(curandCreateGenerator(&m_generator, CURAND_RNG_PSEUDO_PHILOX4_32_10), "curandCreateGenerator");
}
CurandDeviceGenerator::~CurandDeviceGenerator() {
    if (m_generator) curandDestroyGenerator(m_generator);
}

template <typename T>
void CurandDeviceGenerator::generate(Distribution d, uint64_t seed, uint64_t offset, T* out, std::size_t count,
                                     cudaStream_t stream) {
    check(curandSetStream(m_generator, stream), "curandSetStream");
    // Seed and offset are set on every run: each run starts the stream afresh, as the host one does.
    check(curandSetPseudoRandomGeneratorSeed(m_generator, seed), "curandSetPseudoRandomGeneratorSeed");
    check(curandSetGeneratorOffset(m_generator, offset), "curandSetGeneratorOffset");
    if constexpr (sizeof(T) == 4) {
        if (d == Distribution::uniform) check(curandGenerateUniform(m_generator, out, count), "curandGenerateUniform");
        else check(curandGenerateNormal(m_generator, out, count, 0.0f, 1.0f), "curandGenerateNormal");
    } else {
        if (d == Distribution::uniform)
            check(curandGenerateUniformDouble(m_generator, out, count), "curandGenerateUniformDouble");
        else check(curandGenerateNormalDouble(m_generator, out, count, 0.0, 1.0), "curandGenerateNormalDouble");
    }
}

template void rng_philox<float>(Distribution, uint64_t, float*, std::size_t, const Launch&, cudaStream_t);
template void rng_philox<double>(Distribution, uint64_t, double*, std::size_t, const Launch&, cudaStream_t);
template void rng_curand_kernel<float>(Distribution, uint64_t, float*, std::size_t, const Launch&, cudaStream_t);
template void rng_curand_kernel<double>(Distribution, uint64_t, double*, std::size_t, const Launch&, cudaStream_t);
template void CurandDeviceGenerator::generate<float>(Distribution, uint64_t, uint64_t, float*, std::size_t, cudaStream_t);
template void CurandDeviceGenerator::generate<double>(Distribution, uint64_t, uint64_t, double*, std::size_t,
                                                      cudaStream_t);

} // namespace detaudit::kernels::cuda_detail
