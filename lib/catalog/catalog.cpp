#include "catalog.hpp"
#include <algorithm>
#include <cmath>
#include <cctype>
#include <limits>
#include <set>

namespace detaudit {
namespace {


const nlohmann::json k_default_input = {{"distribution", "uniform"}, {"low", -1.0}, {"high", 1.0}};

// Box-Muller calls each side's own log, sin and cos (libm on the CPU; CUDA's math library, and in
// cuRAND's device generator __sincosf, on the GPU): no claim of the same bits across backends.
const DesignCondition k_normal_uses_libm = {
    "distribution", "normal", DesignClass::variant_invariant,
    "normal draws call each backend's own log, sin and cos (libm on cpu; CUDA's math library, "
    "__sincosf in cuRAND's device generator): the same bits on one backend, not across backends"};

#if DETAUDIT_WITH_CUDA
const std::map<std::string, std::string> k_curand_missing = {};
#else
const std::map<std::string, std::string> k_curand_missing = {
    {"cpu", "needs cuRAND's host generator (libcurand, part of the CUDA toolkit), and this detaudit "
            "was built without the CUDA toolkit"}};
#endif

// Every build offers the same algorithms, so a scenario parses everywhere; cuRAND's cpu cells are
// skipped with the reason in a build without the toolkit (its cuda cells with the backend's).
std::vector<AlgorithmSpec> rng_algorithms() {
    using DC = DesignClass;
    return {
        {"philox", "Philox4x32-10, element i a pure function of (seed, i), converted as cuRAND does",
         {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}, {k_normal_uses_libm}},
        {"shared_state",
         "one generator stream drawn from by every thread in arrival order (a global RNG used "
         "from many threads)",
         {{"cpu", DC::not_guaranteed}}},
        {"curand",
         "cuRAND's Philox4_32_10 generator: the host generator (libcurand on the CPU) on cpu, "
         "the device generator on cuda; cuRAND documents that both generate the same sequence",
         {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}, {k_normal_uses_libm}, k_curand_missing},
        {"curand_kernel",
         "each GPU thread curand_init(seed, thread id, 0) and draws a grid-stride share: the "
         "output depends on the launch configuration",
         {{"cuda", DC::run_to_run}}}};
}

KindSpec rng_kind() {
    return KindSpec{
        "rng",
        "Draws `count` random numbers from a seeded generator (op-level `seed` overrides the scenario's).",
        {{"distribution", ParamType::choice, "uniform", {"uniform", "normal"},
          "uniform in (0, 1] (curand_uniform), or standard normal (Box-Muller, curand_normal2)"},
         {"count", ParamType::count, 1048576, {}, "number of values drawn"},
         {"dtype", ParamType::dtype, "f32", {"f32", "f64"}, "element type of the output"},
         {"offset", ParamType::offset, 0, {}, "curand only: 32-bit words of cuRAND's stream skipped first "
          "(curandSetGeneratorOffset)"}},
        rng_algorithms()};
}

KindSpec reduce_kind() {
    using DC = DesignClass;
    return KindSpec{
        "reduce",
        "Sums `n` input values; the algorithm is the order of the additions.",
        {{"n", ParamType::count, 1048576, {}, "number of values summed"},
         {"dtype", ParamType::dtype, "f32", {"f32", "f64"}, "element type of inputs and result"},
         {"input", ParamType::input_distribution, k_default_input, {"uniform", "normal", "cancelling"},
          "uniform {low, high}, normal {mean, stddev}, or cancelling {magnitude}: large values that "
          "cancel, amplifying order effects"}},
        {{"sequential", "left to right, one accumulator", {{"cpu", DC::variant_invariant}}},
         {"pairwise", "recursive halving down to runs of 32 summed left to right",
          {{"cpu", DC::variant_invariant}}},
         {"kahan", "left to right with Kahan compensation", {{"cpu", DC::variant_invariant}}},
         {"blocked",
          "chunks of 4096 (whatever the thread count) summed as 16 lanes + a fixed tree, chunk "
          "partials combined in chunk order",
          {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}},
         {"per_thread", "each thread sums its contiguous share; partials combined in thread order",
          {{"cpu", DC::run_to_run}}},
         {"atomic",
          "cpu: chunk partials added into one accumulator with compare-and-swap, in arrival order; "
          "cuda: each block's tree partial atomicAdd-ed into one accumulator",
          {{"cpu", DC::not_guaranteed}, {"cuda", DC::not_guaranteed}}},
         {"tree",
          "two passes: each block of the grid sums a grid-stride share and a shared-memory tree, "
          "then one block sums the block partials: fixed for one launch configuration",
          {{"cuda", DC::run_to_run}}},
         {"cub", "cub::DeviceReduce::Sum (CUB chooses the order; run to run on one GPU)",
          {{"cuda", DC::run_to_run}}},
         {"reproducible",
          "binned integer accumulation: the same bits for any thread count, schedule and input "
          "order; correctly rounded sum of the bits within 60 bits of the largest element",
          {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}},
         {"exact", "integer buckets per exponent, rounded once: correctly rounded for every input",
          {{"cpu", DC::cross_backend}}}}};
}

KindSpec matmul_kind() {
    using DC = DesignClass;
    return KindSpec{
        "matmul",
        "C = A·B, row-major (A is m×k, B is k×n); every C[i,j] a dot product over k.",
        {{"m", ParamType::count, 256, {}, "rows of A and C"},
         {"n", ParamType::count, 256, {}, "columns of B and C"},
         {"k", ParamType::count, 256, {}, "columns of A, rows of B (the summed dimension)"},
         {"dtype", ParamType::dtype, "f32", {"f32", "f64"}, "element type of A, B and C"},
         {"input", ParamType::input_distribution, k_default_input, {"uniform", "normal", "cancelling"},
          "distribution of the elements of A and B"},
         {"math", ParamType::choice, "default", {"default", "tf32", "pedantic"},
          "cublas only: cublasSetMathMode (CUBLAS_DEFAULT_MATH, CUBLAS_TF32_TENSOR_OP_MATH, "
          "CUBLAS_PEDANTIC_MATH)"},
         {"precision", ParamType::choice, "same", {"same", "f16", "bf16"},
          "cublas only, f32: A and B rounded to f16 or bf16 on the device, products accumulated in "
          "f32 (cublasGemmEx, CUBLAS_COMPUTE_32F)"}},
        {{"naive", "each C[i,j] an explicit-fma dot product in increasing k (cuda: one thread per C[i,j])",
          {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}},
         {"tiled", "shared-memory tiles of A and B, every C[i,j] accumulated in naive's k order: "
          "bitwise equal to naive",
          {{"cuda", DC::variant_invariant}}},
         {"blocked",
          "cache-tiled, vectorised and multithreaded, every C[i,j] accumulated in naive's k order: "
          "bitwise equal to naive",
          {{"cpu", DC::variant_invariant}}},
         {"splitk_atomic", "k split across threads (cuda: across blocks), partial products added into C "
          "with compare-and-swap (cuda: atomicAdd)",
          {{"cpu", DC::not_guaranteed}, {"cuda", DC::not_guaranteed}}},
         {"cublas", "cuBLAS sgemm/dgemm (cublasGemmEx), math mode from `math`, `cuda.streams` concurrent "
          "copies sharing one handle: run to run by cuBLAS's documentation",
          {{"cuda", DC::run_to_run}}},
         {"blas", "the system BLAS (OpenBLAS sgemm/dgemm), threads from cpu.threads: measured, not claimed",
          {{"cpu", DC::unknown}}}}};
}

KindSpec scatter_add_kind() {
    using DC = DesignClass;
    return KindSpec{
        "scatter_add",
        "bins[index[i]] += values[i] for n values into `bins` slots (index_add_, scatter_add_, segment_sum).",
        {{"n", ParamType::count, 1048576, {}, "number of values scattered"},
         {"bins", ParamType::count, 1024, {}, "number of output slots"},
         {"dtype", ParamType::dtype, "f32", {"f32", "f64"}, "element type of values and bins"},
         {"input", ParamType::input_distribution, k_default_input, {"uniform", "normal", "cancelling"},
          "distribution of the values"},
         {"index", ParamType::index_distribution, nlohmann::json{{"distribution", "uniform"}}, {"uniform", "hot"},
          "uniform over the bins, or hot {fraction, hot_bins}: that fraction of indices drawn from the "
          "first hot_bins bins, the rest uniform over all bins (contention)"}},
        {{"atomic", "parallel compare-and-swap adds (cuda: atomicAdd) in arrival order",
          {{"cpu", DC::not_guaranteed}, {"cuda", DC::not_guaranteed}}},
         {"per_thread", "private bins per thread, merged in thread order", {{"cpu", DC::run_to_run}}},
         {"sorted", "stable order by (bin, position) (cuda: CUB radix sort), then each bin summed "
          "sequentially",
          {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}},
         {"reproducible", "per-bin order-independent binned accumulation",
          {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}}}};
}

KindSpec elementwise_kind() {
    using DC = DesignClass;
    return KindSpec{
        "elementwise",
        "out[i] = f(x[i]) (pow: x[i]^y[i]) for a math function: what each function costs across platforms.",
        {{"function", ParamType::choice, "exp",
          {"exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "erf", "pow", "sqrt", "rsqrt", "sigmoid", "gelu"},
          "the function; gelu is the tanh form, rsqrt is 1/sqrt, sigmoid is 1/(1+exp(-x))"},
         {"n", ParamType::count, 1048576, {}, "number of elements"},
         {"dtype", ParamType::dtype, "f32", {"f32", "f64"}, "element type"},
         {"input", ParamType::input_distribution,
          nlohmann::json{{"distribution", "uniform"}, {"low", 0.01}, {"high", 4.0}}, {"uniform", "normal", "cancelling"},
          "distribution of x (the default stays inside every function's domain)"},
         {"exponent", ParamType::optional_input_distribution, nullptr, {"uniform", "normal", "cancelling"},
          "distribution of the exponents y: required for pow, not allowed otherwise"}},
        {{"libm", "the platform math library: the C library (expf, logf, ... for f32) on cpu, CUDA's "
          "math library compiled without fast math on cuda",
          {{"cpu", DC::variant_invariant}, {"cuda", DC::variant_invariant}}},
         {"fast",
          "cuda: CUDA's fast intrinsics (__expf, __logf, __sinf, ...) where one exists, else as libm; cpu: "
          "the C library, as libm (the CPU has no such variants): the reference the cross-backend "
          "comparison measures the intrinsics against",
          {{"cpu", DC::variant_invariant}, {"cuda", DC::variant_invariant}}}}};
}

KindSpec exec_kind() {
    using DC = DesignClass;
    return KindSpec{
        "exec",
        "Runs your own program (argv, no shell) once per run and compares the files it writes into {out}: "
        ".npy/.npz arrays element by element, any other file byte by byte.",
        {{"command", ParamType::command, nullptr, {},
          "argv: the program and its arguments, run directly (no shell); placeholders {out}, {run}, {variant}"},
         {"outputs", ParamType::output_patterns, nullptr, {},
          "files the program writes, relative to {out}; globs (*, ?, [..]) match several, each compared by name"},
         {"env", ParamType::environment, nlohmann::json::object(), {},
          "environment variables set for the program (on top of detaudit's own); placeholders allowed"},
         {"timeout_s", ParamType::seconds, 600, {}, "seconds before the program's whole process group is killed"},
         {"cwd", ParamType::directory, "", {},
          "working directory, relative to the scenario file's directory (default: that directory)"},
         {"trace", ParamType::flag, false, {},
          "set DETAUDIT_TRACE to {out}/trace.jsonl and report each differing comparison's first divergence "
          "(docs/trace.md)"}},
        {{"program", "whatever the program does: measured, not claimed", {{"host", DC::unknown}}}}};
}

std::vector<KindSpec> build_catalog() {
    return {rng_kind(), reduce_kind(), matmul_kind(), scatter_add_kind(), elementwise_kind(), exec_kind()};
}

} // namespace

const std::vector<KindSpec>& catalog() {
    static const std::vector<KindSpec> kinds = build_catalog();
    return kinds;
}

const KindSpec* find_kind(const std::string& name) {
    for (const auto& k : catalog())
        if (k.name == name) return &k;
    return nullptr;
}

const AlgorithmSpec* find_algorithm(const KindSpec& kind, const std::string& name) {
    for (const auto& a : kind.algorithms)
        if (a.name == name) return &a;
    return nullptr;
}

std::vector<std::string> kind_names() {
    std::vector<std::string> names;
    for (const auto& k : catalog()) names.push_back(k.name);
    return names;
}

std::vector<std::string> algorithm_names(const KindSpec& kind) {
    std::vector<std::string> names;
    for (const auto& a : kind.algorithms) names.push_back(a.name);
    return names;
}

std::vector<std::string> param_names(const KindSpec& kind) {
    std::vector<std::string> names;
    for (const auto& p : kind.params) names.push_back(p.name);
    return names;
}

bool kind_has_param(const KindSpec& kind, const std::string& name) {
    for (const auto& p : kind.params)
        if (p.name == name) return true;
    return false;
}

DType output_dtype(const std::string& kind, const nlohmann::json& params) {
    if (kind == "exec") return DType::bytes; // each file's own type is known once it is read
    return *parse_dtype(params.at("dtype").get<std::string>());
}

std::vector<std::size_t> output_shape(const std::string& kind, const nlohmann::json& params) {
    if (kind == "rng") return {params.at("count").get<std::size_t>()};
    if (kind == "matmul") return {params.at("m").get<std::size_t>(), params.at("n").get<std::size_t>()};
    if (kind == "scatter_add") return {params.at("bins").get<std::size_t>()};
    if (kind == "elementwise") return {params.at("n").get<std::size_t>()};
    return {}; // reduce: a scalar
}

uint64_t input_bytes(const std::string& kind, const nlohmann::json& params) {
    if (kind == "exec") return 0;
    const uint64_t element = dtype_size(output_dtype(kind, params));
    if (kind == "reduce") return params.at("n").get<uint64_t>() * element;
    if (kind == "matmul") {
        const uint64_t m = params.at("m"), n = params.at("n"), k = params.at("k");
        return (m * k + k * n) * element;
    }
    if (kind == "scatter_add") return params.at("n").get<uint64_t>() * (element + 8); // values + i64 index
    if (kind == "elementwise") return params.at("n").get<uint64_t>() * element * (params.contains("exponent") ? 2 : 1);
    return 0;
}

} // namespace detaudit
