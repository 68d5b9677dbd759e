// The plain C++ face of the CUDA code: host types only, so nothing outside kernels/cuda is ever
// compiled by nvcc or sees a CUDA header.
#pragma once
#include <cstddef>
#include <string>

namespace detaudit::kernels {

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

} // namespace detaudit::kernels
