// The cpu backend's binding of catalog algorithms to kernels/cpu: the kernel of an op's kind and
// algorithm is found once per cell (CpuBackend::prepare), never per run or element.
#pragma once
#include <functional>
#include "backend.hpp"
#include "kernels/cpu/cpu_settings.hpp"

namespace detaudit {

// Runs the bound kernel once: reads the op's parameters and inputs, writes `out`.
using CpuKernelCall =
    std::function<void(const OpSpec& op, const OpInputs& inputs, Buffer& out, const kernels::CpuSettings& settings)>;

// The CPU kernel of `op`'s kind and algorithm. Throws a runtime Error when the CPU has none.
CpuKernelCall bind_cpu_kernel(const OpSpec& op);

} // namespace detaudit
