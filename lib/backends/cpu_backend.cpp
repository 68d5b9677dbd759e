#include "cpu_backend.hpp"
#include <chrono>
#include <thread>
#include "catalog/catalog.hpp"
#include "env/fingerprint.hpp"
#include "kernels/cpu/cpu_settings.hpp"

namespace detaudit {
namespace {

kernels::CpuSettings settings_of(const Variant& variant) {
    kernels::CpuSettings s;
    s.threads = variant.settings.value("cpu.threads", 1);
    const std::string schedule = variant.settings.value("cpu.schedule", std::string("static"));
    s.schedule = schedule == "dynamic"  ? kernels::CpuSchedule::dynamic
                 : schedule == "guided" ? kernels::CpuSchedule::guided
                                        : kernels::CpuSchedule::static_;
    return s;
}

} // namespace

BackendProbe CpuBackend::probe() {
    BackendProbe p;
    p.available = true;
    p.device = cpu_model_name() + " (" + std::to_string(std::thread::hardware_concurrency()) +
               " hardware threads)";
    return p;
}

bool CpuBackend::supports(const OpSpec& op) const {
    const KindSpec* kind = find_kind(op.kind);
    const AlgorithmSpec* algorithm = kind ? find_algorithm(*kind, op.algorithm) : nullptr;
    // cuRAND's host generator is in the catalog of every build, but only a build with the CUDA
    // toolkit can run it.
    return algorithm != nullptr && algorithm->backends.count("cpu") != 0 && algorithm->missing_in_build.count("cpu") == 0;
}

std::optional<ThreadCount> CpuBackend::threads(const Variant& variant) {
    const int requested = settings_of(variant).threads;
    return ThreadCount{requested, kernels::openmp_team_size(requested)};
}

void CpuBackend::prepare(const OpSpec& op, const OpInputs& inputs) {
    m_kernel = bind_cpu_kernel(op);
    m_inputs = &inputs;
}

double CpuBackend::run(const OpSpec& op, const Variant& variant, Buffer& out) {
    const kernels::CpuSettings s = settings_of(variant);
    const auto start = std::chrono::steady_clock::now();
    m_kernel(op, *m_inputs, out, s);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace detaudit
