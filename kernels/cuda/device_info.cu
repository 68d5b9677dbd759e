// Device discovery through the CUDA runtime: turns every failure into a reason string.
#include "cuda_kernels.hpp"
#include <cuda_runtime.h>
#include <dlfcn.h>

namespace detaudit::kernels {
namespace {

// MIG mode from NVML, loaded at run time: linking libnvidia-ml would make the binary unloadable
// on machines without a driver (CI). NVML's device 0, which is CUDA's unless CUDA_VISIBLE_DEVICES
// reorders them.
std::string mig_mode() {
    void* nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!nvml) return "unknown";
    using Init = int (*)();
    using Handle = int (*)(unsigned, void**);
    using Mig = int (*)(void*, unsigned*, unsigned*);
    const auto init = reinterpret_cast<Init>(dlsym(nvml, "nvmlInit_v2"));
    const auto handle = reinterpret_cast<Handle>(dlsym(nvml, "nvmlDeviceGetHandleByIndex_v2"));
    const auto mig = reinterpret_cast<Mig>(dlsym(nvml, "nvmlDeviceGetMigMode"));
    const auto shutdown = reinterpret_cast<Init>(dlsym(nvml, "nvmlShutdown"));
    std::string result = "unknown";
    if (init && handle && mig && shutdown && init() == 0) {
        void* device = nullptr;
        unsigned current = 0, pending = 0;
        if (handle(0, &device) == 0) {
            const int status = mig(device, &current, &pending);
            if (status == 0) result = current == 1 ? "enabled" : "disabled";
            else if (status == 3) result = "not supported"; // NVML_ERROR_NOT_SUPPORTED
        }
        shutdown();
    }
    dlclose(nvml);
    return result;
}

// Why the driver library cannot be loaded (dlerror), or that it can.
std::string driver_load_error() {
    void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!driver) {
        const char* error = dlerror();
        return error ? error : "libcuda.so.1 cannot be loaded";
    }
    dlclose(driver);
    return "libcuda.so.1 loads but reports no version";
}

} // namespace

CudaProbeResult cuda_probe() {
    CudaProbeResult r;
    cudaRuntimeGetVersion(&r.runtime_version);
    cudaDriverGetVersion(&r.driver_version);
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        r.reason = std::string(cudaGetErrorString(status)) + " (cudaGetDeviceCount: " +
                   cudaGetErrorName(status) + ")";
        // Without any driver the runtime says "driver version is insufficient", which reads as an
        // old driver: say that there is none, in the loader's words.
        if (r.driver_version == 0) r.reason = "no NVIDIA driver: " + driver_load_error() + "; " + r.reason;
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
    cudaDeviceGetAttribute(&r.memory_bus_bits, cudaDevAttrGlobalMemoryBusWidth, 0);
    r.ecc = prop.ECCEnabled != 0;
    r.mig = mig_mode();
    return r;
}

} // namespace detaudit::kernels
