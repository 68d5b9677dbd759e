#include "cpu_kernels.hpp"
#include "common/error.hpp"
#include "kernels/cpu/elementwise_cpu.hpp"
#include "kernels/cpu/matmul_cpu.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#include "kernels/cpu/scatter_cpu.hpp"
#if DETAUDIT_WITH_CUDA
#include "cuda_plugin_loader.hpp"
#include "kernels/cuda/cuda_plugin_abi.hpp" // cuRAND's host generator (no GPU needed)
#endif

namespace detaudit {
namespace {

using kernels::CpuSettings;

[[noreturn]] void no_kernel(const OpSpec& op) {
    throw Error(ErrorKind::runtime, "cpu backend: " + op.kind + " has no algorithm " + op.algorithm);
}

// Calls `body` with the output's element type: float or double.
template <typename Body> void with_float_type(const Buffer& out, Body&& body) {
    if (out.dtype() == DType::f32) body(float{});
    else body(double{});
}

CpuKernelCall bind_reduce(const OpSpec& op) {
    const kernels::CpuReduceKernel* kernel = kernels::find_cpu_reduce_kernel(op.algorithm);
    if (!kernel) no_kernel(op);
    return [kernel](const OpSpec&, const OpInputs& in, Buffer& out, const CpuSettings& s) {
        const Buffer& x = in.buffers.at(0);
        if (x.dtype() == DType::f32) *out.as<float>() = kernel->f32(x.as<float>(), x.elements(), s);
        else *out.as<double>() = kernel->f64(x.as<double>(), x.elements(), s);
    };
}

kernels::Distribution distribution_of(const OpSpec& op) {
    return op.params["distribution"] == "normal" ? kernels::Distribution::normal : kernels::Distribution::uniform;
}

CpuKernelCall bind_rng(const OpSpec& op) {
    if (op.algorithm == "philox" || op.algorithm == "shared_state") {
        const bool philox = op.algorithm == "philox";
        return [philox](const OpSpec& op, const OpInputs&, Buffer& out, const CpuSettings& s) {
            with_float_type(out, [&](auto t) {
                using T = decltype(t);
                if (philox) kernels::rng_philox(distribution_of(op), op.seed, out.as<T>(), out.elements(), s);
                else kernels::rng_shared_state(distribution_of(op), op.seed, out.as<T>(), out.elements(), s);
            });
        };
    }
#if DETAUDIT_WITH_CUDA
    if (op.algorithm == "curand")
        return [](const OpSpec& op, const OpInputs&, Buffer& out, const CpuSettings&) {
            with_float_type(out, [&](auto t) {
                using T = decltype(t);
                // libcurand comes with the CUDA plugin, loaded by the first curand cell: where it
                // cannot be loaded the cell is skipped with the loader's reason, as a cuda cell would be.
                const CudaPluginState& plugin = cuda_plugin();
                if (!plugin.plugin)
                    throw RunSkipped("unavailable: cuRAND's host generator comes with the CUDA plugin, which could "
                                     "not be loaded: " + plugin.error);
                try {
                    plugin.plugin->curand_host(distribution_of(op), op.seed, op.params.value("offset", uint64_t(0)),
                                               out.as<T>(), out.elements());
                } catch (const std::runtime_error& e) { // kernels::CudaFailure, thrown inside the plugin
                    throw Error(ErrorKind::runtime, std::string("cpu backend: ") + e.what());
                }
            });
        };
#endif
    no_kernel(op);
}

template <typename T>
using MatmulKernel = void (*)(const T*, const T*, T*, std::size_t, std::size_t, std::size_t, const CpuSettings&);

template <typename T> void matmul_naive_threads(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k,
                                                const CpuSettings&) {
    kernels::matmul_naive(a, b, c, m, n, k);
}

// OpenBLAS is opened on first use (kernels/cpu/blas_library.cpp); a library that cannot be loaded
// is a run failure with the loader's reason, not an "unexpected" one.
template <typename T> void matmul_blas_loaded(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k,
                                              const CpuSettings& s) {
    try {
        kernels::matmul_blas(a, b, c, m, n, k, s);
    } catch (const std::runtime_error& e) {
        throw Error(ErrorKind::runtime, e.what());
    }
}

template <typename T> MatmulKernel<T> matmul_kernel(const std::string& algorithm) {
    if (algorithm == "naive") return matmul_naive_threads<T>;
    if (algorithm == "blocked") return kernels::matmul_blocked<T>;
    if (algorithm == "splitk_atomic") return kernels::matmul_splitk_atomic<T>;
    if (algorithm == "blas") return matmul_blas_loaded<T>;
    return nullptr;
}

CpuKernelCall bind_matmul(const OpSpec& op) {
    const auto f32 = matmul_kernel<float>(op.algorithm);
    const auto f64 = matmul_kernel<double>(op.algorithm);
    if (!f32 || !f64) no_kernel(op);
    return [f32, f64](const OpSpec& op, const OpInputs& in, Buffer& out, const CpuSettings& s) {
        const std::size_t m = op.params["m"], n = op.params["n"], k = op.params["k"];
        if (out.dtype() == DType::f32) f32(in.buffers.at(0).as<float>(), in.buffers.at(1).as<float>(), out.as<float>(), m, n, k, s);
        else f64(in.buffers.at(0).as<double>(), in.buffers.at(1).as<double>(), out.as<double>(), m, n, k, s);
    };
}

template <typename T>
using ScatterKernel = void (*)(const T*, const int64_t*, std::size_t, T*, std::size_t, const CpuSettings&);

template <typename T> ScatterKernel<T> scatter_kernel(const std::string& algorithm) {
    if (algorithm == "atomic") return kernels::scatter_add_atomic<T>;
    if (algorithm == "per_thread") return kernels::scatter_add_per_thread<T>;
    if (algorithm == "sorted") return kernels::scatter_add_sorted<T>;
    if (algorithm == "reproducible") return kernels::scatter_add_reproducible<T>;
    return nullptr;
}

CpuKernelCall bind_scatter(const OpSpec& op) {
    const auto f32 = scatter_kernel<float>(op.algorithm);
    const auto f64 = scatter_kernel<double>(op.algorithm);
    if (!f32 || !f64) no_kernel(op);
    return [f32, f64](const OpSpec&, const OpInputs& in, Buffer& out, const CpuSettings& s) {
        const int64_t* index = in.buffers.at(1).as<int64_t>();
        const std::size_t n = in.buffers.at(0).elements();
        if (out.dtype() == DType::f32) f32(in.buffers.at(0).as<float>(), index, n, out.as<float>(), out.elements(), s);
        else f64(in.buffers.at(0).as<double>(), index, n, out.as<double>(), out.elements(), s);
    };
}

CpuKernelCall bind_elementwise(const OpSpec& op) {
    // `libm` and `fast` alike: the CPU has only its C library (`fast` exists for the cuda
    // intrinsics, and its cpu cells are the reference they are compared with).
    if (op.algorithm != "libm" && op.algorithm != "fast") no_kernel(op);
    const auto f = kernels::parse_elementwise_function(op.params["function"].get<std::string>());
    if (!f) throw Error(ErrorKind::runtime, "cpu backend: no elementwise function " + op.params["function"].dump());
    return [f = *f](const OpSpec&, const OpInputs& in, Buffer& out, const CpuSettings& s) {
        with_float_type(out, [&](auto t) {
            using T = decltype(t);
            const T* y = in.buffers.size() > 1 ? in.buffers[1].as<T>() : nullptr;
            kernels::elementwise_libm(f, in.buffers.at(0).as<T>(), y, out.as<T>(), in.buffers.at(0).elements(), s);
        });
    };
}

} // namespace

CpuKernelCall bind_cpu_kernel(const OpSpec& op) {
    if (op.kind == "reduce") return bind_reduce(op);
    if (op.kind == "rng") return bind_rng(op);
    if (op.kind == "matmul") return bind_matmul(op);
    if (op.kind == "scatter_add") return bind_scatter(op);
    if (op.kind == "elementwise") return bind_elementwise(op);
    throw Error(ErrorKind::runtime, "cpu backend: no implementation of " + op.kind);
}

} // namespace detaudit
