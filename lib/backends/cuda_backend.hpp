// The CUDA backend adapter: compiled only when the toolkit is found; reports itself unavailable
// with the runtime's reason when there is no usable GPU or driver.
#pragma once
#include <memory>
#include "backend.hpp"

namespace detaudit {
namespace kernels {
class CudaDevice;
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
    std::unique_ptr<kernels::CudaDevice> m_device; // created by the first prepare (needs a GPU)
};

} // namespace detaudit
