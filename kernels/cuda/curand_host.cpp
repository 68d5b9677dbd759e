// cuRAND's host generator (libcurand computing on the CPU): the cpu backend's `curand` algorithm,
// the anchor a GPU's device generator is compared with (cuRAND documents that the host and device
// generators produce the same values for the same seed, offset and ordering).
#include <curand.h>
#include <algorithm>
#include <memory>
#include <type_traits>
#include <vector>
#include "cuda_kernels.hpp"

namespace detaudit::kernels {
namespace cuda_detail {
void check(curandStatus_t status, const char* call);
}
namespace {

const char* curand_status_text(curandStatus_t s) {
    switch (s) {
    case CURAND_STATUS_SUCCESS: return "no errors";
    case CURAND_STATUS_VERSION_MISMATCH: return "header file and linked library version do not match";
    case CURAND_STATUS_NOT_INITIALIZED: return "generator not initialized";
    case CURAND_STATUS_ALLOCATION_FAILED: return "memory allocation failed";
    case CURAND_STATUS_TYPE_ERROR: return "generator is wrong type";
    case CURAND_STATUS_OUT_OF_RANGE: return "argument out of range";
    case CURAND_STATUS_LENGTH_NOT_MULTIPLE: return "length requested is not a multiple of dimension";
    case CURAND_STATUS_DOUBLE_PRECISION_REQUIRED: return "GPU does not have double precision required";
    case CURAND_STATUS_LAUNCH_FAILURE: return "kernel launch failure";
    case CURAND_STATUS_PREEXISTING_FAILURE: return "preexisting failure on library entry";
    case CURAND_STATUS_INITIALIZATION_FAILED: return "initialization of CUDA failed";
    case CURAND_STATUS_ARCH_MISMATCH: return "architecture mismatch, GPU does not support requested feature";
    case CURAND_STATUS_INTERNAL_ERROR: return "internal library error";
    }
    return "unknown cuRAND status";
}

using cuda_detail::check;

struct GeneratorDeleter {
    void operator()(curandGenerator_t g) const { curandDestroyGenerator(g); }
};
using Generator = std::unique_ptr<std::remove_pointer_t<curandGenerator_t>, GeneratorDeleter>;

void generate(curandGenerator_t g, Distribution d, float* out, std::size_t n) {
    if (d == Distribution::uniform) check(curandGenerateUniform(g, out, n), "curandGenerateUniform");
    else check(curandGenerateNormal(g, out, n, 0.0f, 1.0f), "curandGenerateNormal");
}
void generate(curandGenerator_t g, Distribution d, double* out, std::size_t n) {
    if (d == Distribution::uniform) check(curandGenerateUniformDouble(g, out, n), "curandGenerateUniformDouble");
    else check(curandGenerateNormalDouble(g, out, n, 0.0, 1.0), "curandGenerateNormalDouble");
}

} // namespace

// Declared in cuda_check.cuh for the .cu files too: cuRAND has no status-to-text function.
void cuda_detail::check(curandStatus_t status, const char* call) {
    if (status != CURAND_STATUS_SUCCESS)
        throw CudaFailure(std::string(call) + ": " + curand_status_text(status) + " (curandStatus_t " +
                          std::to_string(static_cast<int>(status)) + ")");
}

template <typename T>
void rng_curand_host(Distribution distribution, uint64_t seed, uint64_t offset, T* out, std::size_t count) {
    curandGenerator_t raw = nullptr;
    check(curandCreateGeneratorHost(&raw, CURAND_RNG_PSEUDO_PHILOX4_32_10), "curandCreateGeneratorHost");
    const Generator g(raw);
    check(curandSetPseudoRandomGeneratorSeed(g.get(), seed), "curandSetPseudoRandomGeneratorSeed");
    check(curandSetGeneratorOffset(g.get(), offset), "curandSetGeneratorOffset");
    // The normal generators produce pairs (Box-Muller) and refuse an odd length: draw one more
    // and keep `count`, so the last value is the first of its pair (as `philox` does).
    if (distribution == Distribution::normal && count % 2 == 1) {
        std::vector<T> padded(count + 1);
        generate(g.get(), distribution, padded.data(), padded.size());
        std::copy(padded.begin(), padded.end() - 1, out);
        return;
    }
    generate(g.get(), distribution, out, count);
}

int curand_library_version() {
    int v = 0;
    return curandGetVersion(&v) == CURAND_STATUS_SUCCESS ? v : 0;
}

template void rng_curand_host<float>(Distribution, uint64_t, uint64_t, float*, std::size_t);
template void rng_curand_host<double>(Distribution, uint64_t, uint64_t, double*, std::size_t);

} // namespace detaudit::kernels
