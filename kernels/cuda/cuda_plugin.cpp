// The CUDA plugin's entry points: kernels/cuda behind the CudaPlugin interface
// (cuda_plugin_abi.hpp). Plain C++; built into libdetaudit_cuda.so only.
#include "cuda_plugin_abi.hpp"

#ifndef DETAUDIT_VERSION
#error "DETAUDIT_VERSION must name the detaudit version the plugin is built for"
#endif

namespace detaudit::kernels {
namespace {

class DeviceSession final : public CudaSession {
  public:
    void prepare(const CudaOp& op, const std::vector<HostArray>& inputs, std::size_t output_bytes,
                 int max_streams) override {
        m_device.prepare(op, inputs, output_bytes, max_streams);
    }
    double run(const CudaOp& op, const CudaLaunch& launch, void* out,
               std::size_t out_bytes) override {
        return m_device.run(op, launch, out, out_bytes);
    }

  private:
    CudaDevice m_device;
};

class Plugin final : public CudaPlugin {
  public:
    CudaProbeResult probe() override { return cuda_probe(); }
    CudaLibraryVersions library_versions() override { return cuda_library_versions(); }
    std::unique_ptr<CudaSession> open_session() override {
        return std::make_unique<DeviceSession>();
    }
    void curand_host(Distribution d, uint64_t seed, uint64_t offset, float* out,
                     std::size_t count) override {
        rng_curand_host(d, seed, offset, out, count);
    }
    void curand_host(Distribution d, uint64_t seed, uint64_t offset, double* out,
                     std::size_t count) override {
        rng_curand_host(d, seed, offset, out, count);
    }
};

} // namespace
} // namespace detaudit::kernels

extern "C" {
__attribute__((visibility("default"))) int detaudit_cuda_plugin_abi_version(void) {
    return detaudit::kernels::k_cuda_plugin_abi_version;
}
__attribute__((visibility("default"))) const char* detaudit_cuda_plugin_detaudit_version(void) {
    return DETAUDIT_VERSION;
}
__attribute__((visibility("default"))) detaudit::kernels::CudaPlugin* detaudit_cuda_plugin(void) {
    static detaudit::kernels::Plugin plugin;
    return &plugin;
}
}
