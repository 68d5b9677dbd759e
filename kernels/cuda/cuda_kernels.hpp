// The plain C++ face of the CUDA code: host types only, so nothing outside kernels/cuda is ever
// compiled by nvcc or sees a CUDA header.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include "kernels/cpu/rng_cpu.hpp" // Distribution, shared with the CPU generators

namespace detaudit::kernels {

// A failed CUDA, cuBLAS or cuRAND call: "<call>: <the library's message>". kernels/ cannot see
// detaudit::Error (lib/ depends on kernels/, not the reverse); the backends turn this into a
// runtime Error, which the runner records as a cell error (exit 4).
class CudaFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CudaProbeResult {
    bool available = false;
    std::string reason;          // the runtime's own words when unavailable
    int runtime_version = 0;     // e.g. 13000
    int driver_version = 0;      // 0 when no driver is installed
    std::string device_name;
    int compute_major = 0, compute_minor = 0;
    int sm_count = 0;
    std::size_t memory_bytes = 0;
    int clock_khz = 0, memory_clock_khz = 0;
    bool ecc = false;
};

// Asks the CUDA runtime for device 0; never throws or aborts.
CudaProbeResult cuda_probe();

// `rng`/`curand` on the cpu backend: cuRAND's host generator (curandCreateGeneratorHost,
// CURAND_RNG_PSEUDO_PHILOX4_32_10, default ordering), which runs in libcurand on the CPU and
// needs no GPU or driver. `offset` is curandSetGeneratorOffset's: 32-bit words of the generator's
// stream skipped before the first value. Throws CudaFailure when a cuRAND call fails.
template <typename T>
void rng_curand_host(Distribution distribution, uint64_t seed, uint64_t offset, T* out, std::size_t count);

// cuRAND's version (curandGetVersion, e.g. 10400), 0 if the call fails. Needs no GPU.
int curand_library_version();

} // namespace detaudit::kernels
