#include "cuda_backend.hpp"
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "kernels/cuda/cuda_kernels.hpp"

namespace detaudit {
namespace {

std::string version_text(int v) {
    return v == 0 ? "none" : std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

} // namespace

BackendProbe CudaBackend::probe() {
    const kernels::CudaProbeResult r = kernels::cuda_probe();
    BackendProbe p;
    p.available = r.available;
    p.reason = r.reason;
    p.environment = {{"runtime_version", version_text(r.runtime_version)},
                     {"driver_version", version_text(r.driver_version)}};
    if (r.available) {
        p.device = r.device_name + " (compute capability " + std::to_string(r.compute_major) + "." +
                   std::to_string(r.compute_minor) + ", " + std::to_string(r.sm_count) + " SMs)";
        p.environment["gpu"] = {{"name", r.device_name},
                                {"compute_capability", std::to_string(r.compute_major) + "." + std::to_string(r.compute_minor)},
                                {"sm_count", r.sm_count},
                                {"memory_bytes", r.memory_bytes},
                                {"clock_khz", r.clock_khz},
                                {"memory_clock_khz", r.memory_clock_khz},
                                {"ecc", r.ecc}};
    }
    return p;
}

bool CudaBackend::supports(const OpSpec& op) const {
    const KindSpec* kind = find_kind(op.kind);
    const AlgorithmSpec* algorithm = kind ? find_algorithm(*kind, op.algorithm) : nullptr;
    return algorithm != nullptr && algorithm->backends.count("cuda") != 0;
}

void CudaBackend::prepare(const OpSpec&, const OpInputs&) {}

double CudaBackend::run(const OpSpec& op, const Variant&, Buffer&) {
    throw Error(ErrorKind::runtime, "cuda backend: " + op.kind + "/" + op.algorithm + " has no CUDA kernel in this build");
}

} // namespace detaudit
