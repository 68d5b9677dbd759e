// GPU checks of the cuda backend against the cpu backend (DESIGN.md §10): exits 77 without a
// usable device, so CTest reports a skip (SKIP_RETURN_CODE 77), never a pass. Every check drives the
// two backends exactly as the runner does (generate_inputs, prepare, run) and compares the output
// buffers; what is measured rather than claimed is printed.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>
#include "audit/inputs.hpp"
#include "backends/cpu_backend.hpp"
#include "backends/cuda_backend.hpp"
#include "catalog/catalog.hpp"
#include "compare/diff_stats.hpp"
#include "scenario/scenario_parser.hpp"

using namespace detaudit;

namespace {

int g_failures = 0, g_checks = 0;

void check(bool ok, const std::string& what) {
    ++g_checks;
    if (!ok) ++g_failures;
    std::printf("%s  %s\n", ok ? "ok  " : "FAIL", what.c_str());
}

OpSpec op_of(const std::string& op_json, uint64_t seed = 42) {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "seed": )" + std::to_string(seed) +
                                               R"(, "operations": [{"id": "op", )" + op_json + "}]}",
                                           "gpu_tests.json");
    return s.operations.at(0);
}

Variant variant(const nlohmann::json& settings) {
    Variant v;
    v.settings = {{"cpu.threads", 2}, {"cuda.block_size", "auto"}, {"cuda.grid_size", "auto"}, {"cuda.streams", 1}};
    for (auto& [k, value] : settings.items()) v.settings[k] = value;
    return v;
}

struct Runner {
    CpuBackend cpu;
    CudaBackend cuda;
    std::string prepared; // the op both backends hold now
    OpInputs inputs;

    Buffer run(Backend& b, const OpSpec& op, const nlohmann::json& settings = nlohmann::json::object()) {
        const std::string key = op.kind + "/" + op.algorithm + op.params.dump() + std::to_string(op.seed);
        if (prepared != key) {
            inputs = generate_inputs(op);
            cpu.prepare(op, inputs);
            cuda.prepare(op, inputs);
            prepared = key;
        }
        Buffer out(output_dtype(op.kind, op.params), output_shape(op.kind, op.params));
        b.run(op, variant(settings), out);
        return out;
    }
};

bool same(const Buffer& a, const Buffer& b) {
    return a.bytes().size() == b.bytes().size() && std::memcmp(a.data(), b.data(), a.bytes().size()) == 0;
}

std::string describe(const DiffStats& d) {
    return std::to_string(d.differing_elements) + " of " + std::to_string(d.elements) + " elements differ, max " +
           std::to_string(d.max_ulp) + " ULP, max_abs " + std::to_string(d.max_abs);
}

// ||a - b||_F / ||b||_F for f32 buffers.
double relative_frobenius(const Buffer& a, const Buffer& b) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < a.elements(); ++i) {
        const double d = static_cast<double>(a.as<float>()[i]) - b.as<float>()[i];
        num += d * d;
        den += static_cast<double>(b.as<float>()[i]) * b.as<float>()[i];
    }
    return std::sqrt(num / den);
}

void same_as_cpu(Runner& r, const std::string& json, const std::vector<nlohmann::json>& cuda_settings,
                 const std::string& cpu_algorithm_json = "") {
    const OpSpec op = op_of(json);
    // The CPU reference: the same op, or (for cuda-only algorithms) the CPU algorithm named.
    Buffer reference(output_dtype(op.kind, op.params), output_shape(op.kind, op.params));
    if (cpu_algorithm_json.empty()) {
        reference = r.run(r.cpu, op);
        for (const auto& s : cuda_settings) {
            const Buffer gpu = r.run(r.cuda, op, s);
            check(same(gpu, reference), op.kind + "/" + op.algorithm + " " + op.params.dump() + " " + s.dump() +
                                            ": cuda bitwise equal to cpu (" + describe(compare_buffers(reference, gpu)) + ")");
        }
        return;
    }
    const OpSpec cpu_op = op_of(cpu_algorithm_json);
    reference = r.run(r.cpu, cpu_op);
    for (const auto& s : cuda_settings) {
        const Buffer gpu = r.run(r.cuda, op, s);
        check(same(gpu, reference), op.kind + "/" + op.algorithm + " " + s.dump() + ": cuda bitwise equal to cpu " +
                                        cpu_op.algorithm + " (" + describe(compare_buffers(reference, gpu)) + ")");
    }
}

// Runs `op` on cuda until two outputs differ (at most `tries`): nondeterminism must be observed.
void observed_to_differ(Runner& r, const std::string& json, const nlohmann::json& settings, int tries) {
    const OpSpec op = op_of(json);
    const Buffer first = r.run(r.cuda, op, settings);
    int run = 1;
    bool differs = false;
    while (!differs && run < tries) {
        ++run;
        differs = !same(r.run(r.cuda, op, settings), first);
    }
    check(differs, op.kind + "/" + op.algorithm + " " + settings.dump() + ": observed to differ (after " +
                       std::to_string(run) + " runs)");
}

void identical_runs(Runner& r, const std::string& json, int runs) {
    const OpSpec op = op_of(json);
    const Buffer first = r.run(r.cuda, op);
    bool all_same = true;
    for (int i = 1; i < runs; ++i) all_same = all_same && same(r.run(r.cuda, op), first);
    check(all_same, op.kind + "/" + op.algorithm + " " + op.params.dump() + ": " + std::to_string(runs) +
                        " identical runs on cuda");
}

// A measurement against the CPU: with `max_ulp` a check, without one (0) printed for information.
void measured_vs_cpu(Runner& r, const std::string& json, const std::string& cpu_json, uint64_t max_ulp) {
    const OpSpec op = op_of(json), cpu_op = op_of(cpu_json);
    const Buffer reference = r.run(r.cpu, cpu_op);
    const Buffer gpu = r.run(r.cuda, op);
    const DiffStats d = compare_buffers(reference, gpu);
    const std::string what = op.kind + "/" + op.algorithm + " " + op.params.dump() + " vs cpu " + cpu_op.algorithm + ": " +
                             describe(d) + ", " + std::to_string(d.nan_mismatches) + " NaN mismatches";
    if (max_ulp == 0) std::printf("info  %s\n", what.c_str());
    else check(d.max_ulp <= max_ulp && d.nan_mismatches == 0, what + " (at most " + std::to_string(max_ulp) + " ULP expected)");
}

} // namespace

int main() {
    CudaBackend probe_only;
    const BackendProbe probe = probe_only.probe();
    if (!probe.available) {
        std::printf("SKIP: no usable CUDA device: %s\n", probe.reason.c_str());
        return 77;
    }
    std::printf("device: %s\n", probe.device.c_str());
    Runner r;
    const std::vector<nlohmann::json> launches = {
        nlohmann::json::object(), {{"cuda.block_size", 128}}, {{"cuda.block_size", 1024}}, {{"cuda.grid_size", 7}}};

    // Each check alone: an error in one (a CUDA failure, memory) is its FAIL, and the others
    // still run, so one session on a lent GPU shows everything.
    auto guarded = [](const std::string& what, const std::function<void()>& f) {
        try {
            f();
        } catch (const std::exception& e) {
            check(false, what + ": unexpected error: " + e.what());
        }
    };
    // rng: philox and curand, uniform bitwise, normal measured (each side's libm).
    for (const char* dtype : {"f32", "f64"}) {
        const std::string d = std::string("\"dtype\": \"") + dtype + "\"";
        guarded("rng/philox uniform " + std::string(dtype),
                [&] { same_as_cpu(r, R"("op": "rng", "algorithm": "philox", "count": 1000003, )" + d, launches); });
        guarded("rng/philox normal " + std::string(dtype), [&] {
            measured_vs_cpu(r, R"("op": "rng", "algorithm": "philox", "distribution": "normal", "count": 1000003, )" + d,
                            R"("op": "rng", "algorithm": "philox", "distribution": "normal", "count": 1000003, )" + d, 16);
        });
        const std::string curand = R"("op": "rng", "algorithm": "curand", "count": 1000002, "offset": 12, )";
        guarded("rng/curand uniform " + std::string(dtype),
                [&] { same_as_cpu(r, curand + R"("distribution": "uniform", )" + d, {nlohmann::json::object()}); });
        // Normal draws use each side's log/sin/cos (the device's Box-Muller uses __sincosf): the
        // catalog claims them variant_invariant only, so the distance is measured, not required to be 0.
        guarded("rng/curand normal " + std::string(dtype), [&] {
            measured_vs_cpu(r, curand + R"("distribution": "normal", )" + d, curand + R"("distribution": "normal", )" + d, 0);
        });
    }
    // reduce: blocked and reproducible equal the CPU for every launch.
    for (const char* alg : {"blocked", "reproducible"})
        for (const char* dtype : {"f32", "f64"})
            guarded(std::string("reduce/") + alg + " " + dtype, [&] {
                same_as_cpu(r, std::string(R"("op": "reduce", "algorithm": ")") + alg + R"(", "n": 16777221, "dtype": ")" + dtype +
                                   R"(", "input": {"distribution": "cancelling"})",
                            launches);
            });
    // matmul: naive and tiled equal the CPU naive (sizes that are not multiples of the tile).
    for (const char* dtype : {"f32", "f64"}) {
        const std::string shape = std::string(R"("m": 129, "n": 67, "k": 301, "dtype": ")") + dtype + "\"";
        guarded("matmul/naive " + std::string(dtype),
                [&] { same_as_cpu(r, R"("op": "matmul", "algorithm": "naive", )" + shape, launches); });
        guarded("matmul/tiled " + std::string(dtype), [&] {
            same_as_cpu(r, R"("op": "matmul", "algorithm": "tiled", )" + shape, {nlohmann::json::object()},
                        R"("op": "matmul", "algorithm": "naive", )" + shape);
        });
    }
    // scatter_add: sorted and reproducible equal the CPU, with hot bins too.
    for (const char* alg : {"sorted", "reproducible"})
        guarded(std::string("scatter_add/") + alg, [&] {
            same_as_cpu(r, std::string(R"("op": "scatter_add", "algorithm": ")") + alg +
                               R"(", "n": 1000003, "bins": 4099, "index": {"distribution": "hot"})",
                        launches);
        });
    // atomic algorithms are observed to differ where contention is certain.
    guarded("reduce/atomic", [&] {
        observed_to_differ(r, R"("op": "reduce", "algorithm": "atomic", "n": 16777216, "input": {"distribution": "cancelling"})",
                           {{"cuda.grid_size", 4096}}, 100);
    });
    guarded("scatter_add/atomic", [&] {
        observed_to_differ(r,
                           R"("op": "scatter_add", "algorithm": "atomic", "n": 4194304, "bins": 16, "input": {"distribution": "cancelling"})",
                           nlohmann::json::object(), 100);
    });
    // cuBLAS pedantic: identical run to run; tf32 differs from the CPU by tf32's magnitude.
    guarded("matmul/cublas pedantic", [&] {
        identical_runs(r, R"("op": "matmul", "algorithm": "cublas", "math": "pedantic", "m": 512, "n": 512, "k": 512)", 10);
    });
    guarded("matmul/cublas tf32", [&] {
        const std::string shape = R"("m": 512, "n": 512, "k": 512)";
        const Buffer reference = r.run(r.cpu, op_of(R"("op": "matmul", "algorithm": "naive", )" + shape));
        const OpSpec tf32 = op_of(R"("op": "matmul", "algorithm": "cublas", "math": "tf32", )" + shape);
        const double e_tf32 = relative_frobenius(r.run(r.cuda, tf32), reference);
        const OpSpec pedantic = op_of(R"("op": "matmul", "algorithm": "cublas", "math": "pedantic", )" + shape);
        const double e_f32 = relative_frobenius(r.run(r.cuda, pedantic), reference);
        // tf32 keeps 10 mantissa bits of each input (unit roundoff 2^-11 ~ 4.9e-4): the error of
        // a product is about that, the sum's relative Frobenius error a fraction of it. Before
        // compute capability 8.0 there is no TF32: cuBLAS computes in f32, so only print it.
        const std::string capability = probe.environment.value("gpu", nlohmann::json::object()).value("compute_capability", "0.0");
        if (std::stoi(capability) >= 8)
            check(e_tf32 > 1e-5 && e_tf32 < 2e-3,
                  "matmul/cublas tf32 vs cpu naive: relative Frobenius error " + std::to_string(e_tf32) + " (expected 1e-5..2e-3)");
        else
            std::printf("info: compute capability %s has no TF32: matmul/cublas tf32 vs cpu naive: relative Frobenius error %g\n",
                        capability.c_str(), e_tf32);
        check(e_f32 < 1e-5, "matmul/cublas pedantic vs cpu naive: relative Frobenius error " + std::to_string(e_f32) +
                                " (expected < 1e-5)");
    });
    // elementwise: libm and fast against the CPU libm, measured (printed, not checked: which
    // bits a math library returns is what the op audits, not a property of our kernels).
    for (const char* f : {"exp", "log", "sin", "tanh", "gelu"}) {
        const std::string fn = std::string(R"("function": ")") + f + R"(", "n": 1000000)";
        guarded(std::string("elementwise ") + f, [&] {
            measured_vs_cpu(r, R"("op": "elementwise", "algorithm": "libm", )" + fn, R"("op": "elementwise", "algorithm": "libm", )" + fn, 0);
            measured_vs_cpu(r, R"("op": "elementwise", "algorithm": "fast", )" + fn, R"("op": "elementwise", "algorithm": "libm", )" + fn, 0);
        });
    }
    std::printf("%d checks, %d failed\n", g_checks, g_failures);
    return g_failures == 0 ? 0 : 1;
}
