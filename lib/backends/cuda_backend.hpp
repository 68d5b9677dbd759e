// The CUDA backend adapter: compiled only when the toolkit is found. It reaches kernels/cuda through
// the CUDA plugin (cuda_plugin_loader.hpp), loaded by the first probe, and reports itself
// unavailable with the loader's reason when the plugin or the CUDA libraries cannot be loaded, and
// with the runtime's when there is no usable GPU or driver.
#pragma once
#include <memory>
#include "backend.hpp"

namespace detaudit {
namespace kernels {
class CudaSession;
}

class CudaBackend final : public Backend {
public:
    CudaBackend();
    ~CudaBackend() override;
    std::string name() const override { return "cuda"; }
    BackendProbe probe() override;
    bool supports(const OpSpec& op) const override;
    void prepare(const OpSpec& op, const OpInputs& inputs) override;
    double run(const OpSpec& op, const Variant& variant, Buffer& out) override;

private:
    std::unique_ptr<kernels::CudaSession> m_device; // opened by the first prepare (needs a GPU)
};

} // namespace detaudit
