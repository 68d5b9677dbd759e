// Device discovery through the CUDA runtime: turns every failure into a reason string.
#include "cuda_kernels.hpp"
#include <cuda_runtime.h>

namespace detaudit::kernels {

CudaProbeResult cuda_probe() {
    CudaProbeResult r;
    cudaRuntimeGetVersion(&r.runtime_version);
    cudaDriverGetVersion(&r.driver_version);
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        r.reason = std::string(cudaGetErrorString(status)) + " (cudaGetDeviceCount: " +
                   cudaGetErrorName(status) + ")";
        return r;
    }
    if (count == 0) {
        r.reason = "no CUDA device found (cudaGetDeviceCount returned 0)";
        return r;
    }
    cudaDeviceProp prop{};
    const cudaError_t prop_status = cudaGetDeviceProperties(&prop, 0);
    if (prop_status != cudaSuccess) {
        r.reason = std::string(cudaGetErrorString(prop_status)) + " (cudaGetDeviceProperties)";
        return r;
    }
    r.available = true;
    r.device_name = prop.name;
    r.compute_major = prop.major;
    r.compute_minor = prop.minor;
    r.sm_count = prop.multiProcessorCount;
    r.memory_bytes = prop.totalGlobalMem;
    cudaDeviceGetAttribute(&r.clock_khz, cudaDevAttrClockRate, 0);
    cudaDeviceGetAttribute(&r.memory_clock_khz, cudaDevAttrMemoryClockRate, 0);
    r.ecc = prop.ECCEnabled != 0;
    return r;
}

} // namespace detaudit::kernels
