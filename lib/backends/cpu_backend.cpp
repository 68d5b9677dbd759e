#include "cpu_backend.hpp"
#include <chrono>
#include <thread>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "env/fingerprint.hpp"
#include "kernels/cpu/elementwise_cpu.hpp"
#include "kernels/cpu/matmul_cpu.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/scatter_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#if DETAUDIT_WITH_CUDA
#include "kernels/cuda/cuda_kernels.hpp" // cuRAND's host generator (no GPU needed)
#endif

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
    if (algorithm == "exact") return reduce_exact(x, n, s);
    throw Error(ErrorKind::runtime, "cpu backend: reduce has no algorithm " + algorithm);
}

template <typename T>
void run_rng(const OpSpec& op, T* out, std::size_t count, const kernels::CpuSettings& s) {
    const auto dist = op.params["distribution"] == "normal" ? kernels::Distribution::normal
                                                            : kernels::Distribution::uniform;
    if (op.algorithm == "philox") kernels::rng_philox(dist, op.seed, out, count, s);
    else if (op.algorithm == "shared_state") kernels::rng_shared_state(dist, op.seed, out, count, s);
#if DETAUDIT_WITH_CUDA
    else if (op.algorithm == "curand") {
        try {
            kernels::rng_curand_host(dist, op.seed, op.params.value("offset", uint64_t(0)), out, count);
        } catch (const kernels::CudaFailure& e) {
            throw Error(ErrorKind::runtime, std::string("cpu backend: ") + e.what());
        }
    }
#endif
    else throw Error(ErrorKind::runtime, "cpu backend: rng has no algorithm " + op.algorithm);
}

template <typename T>
void run_matmul(const std::string& algorithm, const OpInputs& in, T* c, const nlohmann::json& p,
                const kernels::CpuSettings& s) {
    using namespace kernels;
    const T* a = in.buffers.at(0).as<T>();
    const T* b = in.buffers.at(1).as<T>();
    const std::size_t m = p["m"], n = p["n"], k = p["k"];
    if (algorithm == "naive") matmul_naive(a, b, c, m, n, k);
    else if (algorithm == "blocked") matmul_blocked(a, b, c, m, n, k, s);
    else if (algorithm == "splitk_atomic") matmul_splitk_atomic(a, b, c, m, n, k, s);
    else if (algorithm == "blas") matmul_blas(a, b, c, m, n, k, s);
    else throw Error(ErrorKind::runtime, "cpu backend: matmul has no algorithm " + algorithm);
}

template <typename T>
void run_scatter(const std::string& algorithm, const OpInputs& in, T* bins, std::size_t nbins,
                 const kernels::CpuSettings& s) {
    using namespace kernels;
    const T* values = in.buffers.at(0).as<T>();
    const int64_t* index = in.buffers.at(1).as<int64_t>();
    const std::size_t n = in.buffers.at(0).elements();
    if (algorithm == "atomic") scatter_add_atomic(values, index, n, bins, nbins, s);
    else if (algorithm == "per_thread") scatter_add_per_thread(values, index, n, bins, nbins, s);
    else if (algorithm == "sorted") scatter_add_sorted(values, index, n, bins, nbins, s);
    else if (algorithm == "reproducible") scatter_add_reproducible(values, index, n, bins, nbins, s);
    else throw Error(ErrorKind::runtime, "cpu backend: scatter_add has no algorithm " + algorithm);
}

template <typename T>
void run_elementwise(const OpSpec& op, const OpInputs& in, T* out, const kernels::CpuSettings& s) {
    const auto f = kernels::parse_elementwise_function(op.params["function"].get<std::string>());
    if (!f) throw Error(ErrorKind::runtime, "cpu backend: no elementwise function " + op.params["function"].dump());
    const T* y = in.buffers.size() > 1 ? in.buffers[1].as<T>() : nullptr;
    // `libm` and `fast` alike: the CPU has only its C library (`fast` exists for the cuda
    // intrinsics, and its cpu cells are the reference they are compared with).
    kernels::elementwise_libm(*f, in.buffers.at(0).as<T>(), y, out, in.buffers.at(0).elements(), s);
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
    } else if (op.kind == "matmul") {
        if (out.dtype() == DType::f32) run_matmul(op.algorithm, *m_inputs, out.as<float>(), op.params, s);
        else run_matmul(op.algorithm, *m_inputs, out.as<double>(), op.params, s);
    } else if (op.kind == "scatter_add") {
        if (out.dtype() == DType::f32) run_scatter(op.algorithm, *m_inputs, out.as<float>(), out.elements(), s);
        else run_scatter(op.algorithm, *m_inputs, out.as<double>(), out.elements(), s);
    } else if (op.kind == "elementwise") {
        if (out.dtype() == DType::f32) run_elementwise(op, *m_inputs, out.as<float>(), s);
        else run_elementwise(op, *m_inputs, out.as<double>(), s);
    } else {
        throw Error(ErrorKind::runtime, "cpu backend: no implementation of " + op.kind);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace detaudit
