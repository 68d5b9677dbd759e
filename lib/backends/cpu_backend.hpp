// The CPU backend: kernels/cpu implementations, parallelised with OpenMP per the cpu.* axes.
#pragma once
#include "backend.hpp"
#include "cpu_kernels.hpp"

namespace detaudit {

class CpuBackend final : public Backend {
public:
    std::string name() const override { return "cpu"; }
    BackendProbe probe() override;
    bool supports(const OpSpec& op) const override;
    void prepare(const OpSpec& op, const OpInputs& inputs) override;
    double run(const OpSpec& op, const Variant& variant, Buffer& out) override;
    std::optional<ThreadCount> threads(const Variant& variant) override;

private:
    const OpInputs* m_inputs = nullptr;
    CpuKernelCall m_kernel; // the prepared op's kernel
};

} // namespace detaudit
