#include "backend.hpp"
#include "cpu_backend.hpp"
#include "host_backend.hpp"
#if DETAUDIT_WITH_CUDA
#include "cuda_backend.hpp"
#endif

namespace detaudit {

std::vector<std::unique_ptr<Backend>> make_compiled_backends() {
    std::vector<std::unique_ptr<Backend>> backends;
    backends.push_back(std::make_unique<CpuBackend>());
#if DETAUDIT_WITH_CUDA
    backends.push_back(std::make_unique<CudaBackend>());
#endif
    backends.push_back(std::make_unique<HostBackend>());
    return backends;
}

std::vector<std::string> compiled_backend_names() {
#if DETAUDIT_WITH_CUDA
    return {"cpu", "cuda", "host"};
#else
    return {"cpu", "host"};
#endif
}

RunOutputs Backend::run_named(const OpSpec& op, const Variant&, const RunContext&) {
    throw Error(ErrorKind::runtime, name() + " backend: " + op.kind + " writes one output; run_named is for backends that "
                                              "write named outputs");
}

} // namespace detaudit
