#include "cuda_backend.hpp"
#include <cstdlib>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "kernels/cpu/elementwise_cpu.hpp"
#include "cuda_plugin_loader.hpp"
#include "kernels/cuda/cuda_plugin_abi.hpp"

namespace detaudit {
namespace {

std::string version_text(int v) {
    return v == 0 ? "none" : std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

// cublasGetProperty's major * 10000 + minor * 100 + patch, and curandGetVersion's
// major * 1000 + minor * 100 + patch, as "major.minor.patch".
std::string cublas_version_text(int v) {
    return v == 0 ? "unknown" : std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}
std::string curand_version_text(int v) {
    return v == 0 ? "unknown" : std::to_string(v / 1000) + "." + std::to_string(v / 100 % 10) + "." + std::to_string(v % 100);
}

// "auto" (or absent) is 0: the kernels choose.
int launch_value(const Variant& variant, const char* axis, int fallback) {
    const auto it = variant.settings.find(axis);
    if (it == variant.settings.end() || !it->is_number_integer()) return fallback;
    return it->get<int>();
}

kernels::CudaOp cuda_op_of(const OpSpec& op) {
    using namespace kernels;
    const nlohmann::json& p = op.params;
    CudaOp c;
    c.algorithm = op.algorithm;
    c.f64 = p.at("dtype") == "f64";
    if (op.kind == "rng") {
        c.kind = CudaKind::rng;
        c.n = p.at("count");
        c.distribution = p.at("distribution") == "normal" ? Distribution::normal : Distribution::uniform;
        c.seed = op.seed;
        c.offset = p.value("offset", uint64_t(0));
    } else if (op.kind == "reduce") {
        c.kind = CudaKind::reduce;
        c.n = p.at("n");
    } else if (op.kind == "matmul") {
        c.kind = CudaKind::matmul;
        c.m = p.at("m");
        c.n = p.at("n");
        c.k = p.at("k");
        const std::string math = p.value("math", std::string("default"));
        c.math = math == "tf32" ? CublasMath::tf32 : math == "pedantic" ? CublasMath::pedantic : CublasMath::default_math;
        const std::string precision = p.value("precision", std::string("same"));
        c.precision = precision == "f16" ? CublasPrecision::f16 : precision == "bf16" ? CublasPrecision::bf16 : CublasPrecision::same;
    } else if (op.kind == "scatter_add") {
        c.kind = CudaKind::scatter_add;
        c.n = p.at("n");
        c.bins = p.at("bins");
    } else if (op.kind == "elementwise") {
        c.kind = CudaKind::elementwise;
        c.n = p.at("n");
        const auto f = parse_elementwise_function(p.at("function").get<std::string>());
        if (!f) throw Error(ErrorKind::runtime, "cuda backend: no elementwise function " + p.at("function").dump());
        c.function = *f;
        c.has_exponent = p.contains("exponent");
    } else {
        throw Error(ErrorKind::runtime, "cuda backend: no implementation of " + op.kind);
    }
    return c;
}

} // namespace

CudaBackend::CudaBackend() = default;
CudaBackend::~CudaBackend() = default;

BackendProbe CudaBackend::probe() {
    const CudaPluginState& plugin = cuda_plugin();
    BackendProbe p;
    p.environment = {{"plugin", cuda_plugin_summary(plugin)}};
    if (!plugin.plugin) {
        // The toolkit's libraries or the plugin itself are missing here: the same skip as a
        // machine without a GPU, with the loader's reason.
        p.reason = "the CUDA plugin could not be loaded: " + plugin.error;
        return p;
    }
    const kernels::CudaProbeResult r = plugin.plugin->probe();
    p.available = r.available;
    p.reason = r.reason;
    // The library versions are known without a GPU. `*_version` are the libraries this process
    // loaded (from `*_library`), `*_built` the headers compiled in: a bundle run on another
    // machine loads that machine's cuBLAS and cuRAND, which may not be the ones it was built with.
    const kernels::CudaLibraryVersions libs = plugin.plugin->library_versions();
    p.environment.update({{"runtime_version", version_text(r.runtime_version) + " (linked statically)"},
                     {"driver_version", version_text(r.driver_version)},
                     {"cublas_version", cublas_version_text(libs.loaded_cublas)},
                     {"cublas_built", cublas_version_text(libs.built_cublas)},
                     {"cublas_library", libs.cublas_file.empty() ? "unknown" : libs.cublas_file},
                     {"curand_version", curand_version_text(libs.loaded_curand)},
                     {"curand_built", curand_version_text(libs.built_curand)},
                     {"curand_library", libs.curand_file.empty() ? "unknown" : libs.curand_file}});
    std::string differing;
    if (libs.loaded_cublas != libs.built_cublas) differing += " cuBLAS";
    if (libs.loaded_curand != libs.built_curand) differing += " cuRAND";
    if (!differing.empty())
        p.environment["library_note"] = "loaded" + differing + " differs from the version built against (see *_built): "
                                        "cuBLAS promises identical results only within one library version";
    if (r.driver_version == 0)
        p.environment["driver_version"] = "none: " + (r.reason.empty() ? std::string("no CUDA driver") : r.reason);
    if (const char* ws = std::getenv("CUBLAS_WORKSPACE_CONFIG"))
        p.environment["note"] = std::string("CUBLAS_WORKSPACE_CONFIG=") + ws +
                                " is set: matmul/cublas cells use cuBLAS's workspace pool sized by it (cuBLAS's "
                                "documented setting for reproducible results with several streams) instead of one "
                                "workspace shared by every stream";
    if (r.available) {
        p.device = r.device_name + " (compute capability " + std::to_string(r.compute_major) + "." +
                   std::to_string(r.compute_minor) + ", " + std::to_string(r.sm_count) + " SMs)";
        p.environment["gpu"] = {{"name", r.device_name},
                                {"compute_capability", std::to_string(r.compute_major) + "." + std::to_string(r.compute_minor)},
                                {"sm_count", r.sm_count},
                                {"memory_bytes", r.memory_bytes},
                                {"clock_khz", r.clock_khz},
                                {"memory_clock_khz", r.memory_clock_khz},
                                {"memory_bus_bits", r.memory_bus_bits},
                                {"ecc", r.ecc},
                                {"mig", r.mig}};
    }
    return p;
}

bool CudaBackend::supports(const OpSpec& op) const {
    const KindSpec* kind = find_kind(op.kind);
    const AlgorithmSpec* algorithm = kind ? find_algorithm(*kind, op.algorithm) : nullptr;
    return algorithm != nullptr && algorithm->backends.count("cuda") != 0;
}

void CudaBackend::prepare(const OpSpec& op, const OpInputs& inputs) {
    try {
        if (!m_device) {
            const CudaPluginState& plugin = cuda_plugin();
            if (!plugin.plugin) throw kernels::CudaFailure("the CUDA plugin could not be loaded: " + plugin.error);
            m_device = plugin.plugin->open_session();
        }
        std::vector<kernels::HostArray> arrays;
        for (const auto& b : inputs.buffers) arrays.push_back({b.data(), b.bytes().size()});
        const DType dtype = output_dtype(op.kind, op.params);
        std::size_t elements = 1;
        for (std::size_t d : output_shape(op.kind, op.params)) elements *= d;
        // Prepared for one stream; a cuda.streams variant adds its streams' outputs when it runs.
        m_device->prepare(cuda_op_of(op), arrays, elements * dtype_size(dtype), 1);
    } catch (const Error&) {
        throw;
    } catch (const std::runtime_error& e) { // kernels::CudaFailure, thrown inside the plugin
        throw Error(ErrorKind::runtime, std::string("cuda backend: ") + e.what());
    }
}

double CudaBackend::run(const OpSpec& op, const Variant& variant, Buffer& out) {
    kernels::CudaLaunch launch;
    launch.block_size = launch_value(variant, "cuda.block_size", 0);
    launch.grid_size = launch_value(variant, "cuda.grid_size", 0);
    launch.streams = launch_value(variant, "cuda.streams", 1);
    try {
        if (!m_device) throw kernels::CudaFailure("run before prepare");
        return m_device->run(cuda_op_of(op), launch, out.data(), out.bytes().size());
    } catch (const Error&) {
        throw;
    } catch (const std::runtime_error& e) { // kernels::CudaFailure, thrown inside the plugin
        throw Error(ErrorKind::runtime, std::string("cuda backend: ") + e.what());
    }
}

} // namespace detaudit
