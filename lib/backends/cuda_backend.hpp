// The CUDA backend adapter: compiled only when the toolkit is found; reports itself unavailable
// with the runtime's reason when there is no usable GPU or driver.
#pragma once
#include "backend.hpp"

namespace detaudit {

class CudaBackend final : public Backend {
public:
    std::string name() const override { return "cuda"; }
    BackendProbe probe() override;
    bool supports(const OpSpec& op) const override;
    void prepare(const OpSpec& op, const OpInputs& inputs) override;
    double run(const OpSpec& op, const Variant& variant, Buffer& out) override;
};

} // namespace detaudit
