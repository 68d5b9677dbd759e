// The CUDA plugin's interface (libdetaudit_cuda.so): what detaudit reaches through dlopen, so that
// a CPU-only audit never maps cuBLAS, cuBLASLt or cuRAND, and the same binary runs where the CUDA
// toolkit is absent. Plain C++ (host types only). One `extern "C"` entry point hands out the
// plugin object after the caller has checked the ABI version and the detaudit version it was
// built for: the C++ types below cross the boundary, so a plugin from another build is refused.
#pragma once
#include "cuda_kernels.hpp"
#include "library_versions.hpp"
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace detaudit::kernels {

// Bumped whenever CudaPlugin, CudaSession or a type they pass (cuda_kernels.hpp,
// library_versions.hpp) changes layout or meaning.
inline constexpr int k_cuda_plugin_abi_version = 1;

// One device and what one op keeps there (CudaDevice behind an interface: its methods are called
// through the vtable, so detaudit needs no symbol of the plugin at link time). Methods throw
// CudaFailure, a std::runtime_error; callers catch std::exception.
class CudaSession {
  public:
    virtual ~CudaSession() = default;
    virtual void prepare(const CudaOp& op, const std::vector<HostArray>& inputs,
                         std::size_t output_bytes, int max_streams) = 0;
    virtual double run(const CudaOp& op, const CudaLaunch& launch, void* out,
                       std::size_t out_bytes) = 0;
};

class CudaPlugin {
  public:
    virtual ~CudaPlugin() = default;
    virtual CudaProbeResult probe() = 0;
    virtual CudaLibraryVersions library_versions() = 0;
    // A session on device 0; throws CudaFailure when the runtime cannot select it.
    virtual std::unique_ptr<CudaSession> open_session() = 0;
    // cuRAND's host generator (the cpu `curand` algorithm); throws CudaFailure.
    virtual void curand_host(Distribution distribution, uint64_t seed, uint64_t offset, float* out,
                             std::size_t count) = 0;
    virtual void curand_host(Distribution distribution, uint64_t seed, uint64_t offset, double* out,
                             std::size_t count) = 0;
};

} // namespace detaudit::kernels

// The plugin's exported symbols (everything else in it is hidden).
extern "C" {
// k_cuda_plugin_abi_version of the plugin's build.
int detaudit_cuda_plugin_abi_version(void);
// The detaudit version the plugin was built with ("0.1.0").
const char* detaudit_cuda_plugin_detaudit_version(void);
// The plugin's one instance, alive until the process exits; call only after both checks pass.
detaudit::kernels::CudaPlugin* detaudit_cuda_plugin(void);
}
