#include "cpu_backend.hpp"
#include <chrono>
#include <thread>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "env/fingerprint.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"

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

template <typename T>
T run_reduce(const std::string& algorithm, const T* x, std::size_t n, const kernels::CpuSettings& s) {
    using namespace kernels;
    if (algorithm == "sequential") return reduce_sequential(x, n);
    if (algorithm == "pairwise") return reduce_pairwise(x, n);
    if (algorithm == "kahan") return reduce_kahan(x, n);
    if (algorithm == "blocked") return reduce_blocked(x, n, s);
    if (algorithm == "per_thread") return reduce_per_thread(x, n, s);
    if (algorithm == "atomic") return reduce_atomic(x, n, s);
    if (algorithm == "reproducible") return reduce_reproducible(x, n, s);
    throw Error(ErrorKind::runtime, "cpu backend: reduce has no algorithm " + algorithm);
}

template <typename T>
void run_rng(const OpSpec& op, T* out, std::size_t count, const kernels::CpuSettings& s) {
    const auto dist = op.params["distribution"] == "normal" ? kernels::Distribution::normal
                                                            : kernels::Distribution::uniform;
    if (op.algorithm == "philox") kernels::rng_philox(dist, op.seed, out, count, s);
    else if (op.algorithm == "shared_state") kernels::rng_shared_state(dist, op.seed, out, count, s);
    else throw Error(ErrorKind::runtime, "cpu backend: rng has no algorithm " + op.algorithm);
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
    return algorithm != nullptr && algorithm->backends.count("cpu") != 0;
}

void CpuBackend::prepare(const OpSpec&, const OpInputs& inputs) { m_inputs = &inputs; }

double CpuBackend::run(const OpSpec& op, const Variant& variant, Buffer& out) {
    const kernels::CpuSettings s = settings_of(variant);
    const auto start = std::chrono::steady_clock::now();
    if (op.kind == "reduce") {
        const Buffer& x = m_inputs->buffers.at(0);
        if (x.dtype() == DType::f32) *out.as<float>() = run_reduce(op.algorithm, x.as<float>(), x.elements(), s);
        else *out.as<double>() = run_reduce(op.algorithm, x.as<double>(), x.elements(), s);
    } else if (op.kind == "rng") {
        if (out.dtype() == DType::f32) run_rng(op, out.as<float>(), out.elements(), s);
        else run_rng(op, out.as<double>(), out.elements(), s);
    } else {
        throw Error(ErrorKind::runtime, "cpu backend: no implementation of " + op.kind);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace detaudit
