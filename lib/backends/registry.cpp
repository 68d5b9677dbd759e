#include "backend.hpp"
#include "cpu_backend.hpp"
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
    return backends;
}

std::vector<std::string> compiled_backend_names() {
#if DETAUDIT_WITH_CUDA
    return {"cpu", "cuda"};
#else
    return {"cpu"};
#endif
}

} // namespace detaudit
