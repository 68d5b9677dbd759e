#include "catalog.hpp"
#include <algorithm>
#include <cmath>
#include <cctype>
#include <limits>
#include <set>
#include "exec/placeholders.hpp"
#include "input_range.hpp"
#include "kernels/common/binned_sum.hpp"
#include "common/env_name.hpp"
#include "common/json_path.hpp"

namespace detaudit {
namespace {

constexpr uint64_t k_max_count = uint64_t(1) << 40; // memory, not this, is the practical bound

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

std::vector<KindSpec> build_catalog() {
    using DC = DesignClass;
    std::vector<KindSpec> kinds;
    kinds.push_back(KindSpec{
        "rng",
        "Draws `count` random numbers from a seeded generator (op-level `seed` overrides the scenario's).",
        {{"distribution", ParamType::choice, "uniform", {"uniform", "normal"},
          "uniform in (0, 1] (curand_uniform), or standard normal (Box-Muller, curand_normal2)"},
         {"count", ParamType::count, 1048576, {}, "number of values drawn"},
         {"dtype", ParamType::dtype, "f32", {"f32", "f64"}, "element type of the output"},
         {"offset", ParamType::offset, 0, {}, "curand only: 32-bit words of cuRAND's stream skipped first "
          "(curandSetGeneratorOffset)"}},
        rng_algorithms()});
    kinds.push_back(KindSpec{
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
          {{"cpu", DC::cross_backend}}}}});
    kinds.push_back(KindSpec{
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
          {{"cpu", DC::unknown}}}}});
    kinds.push_back(KindSpec{
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
          {{"cpu", DC::cross_backend}, {"cuda", DC::cross_backend}}}}});
    kinds.push_back(KindSpec{
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
          {{"cpu", DC::variant_invariant}, {"cuda", DC::variant_invariant}}}}});
    kinds.push_back(KindSpec{
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
        {{"program", "whatever the program does: measured, not claimed", {{"host", DC::unknown}}}}});
    return kinds;
}

nlohmann::json normalise_index(const nlohmann::json& given, uint64_t bins, const std::string& pointer,
                               const ScenarioErrors& errors) {
    if (!given.is_object())
        errors.fail(pointer, "expected {\"distribution\": \"uniform\"} or {\"distribution\": \"hot\", \"fraction\": 0.9, "
                             "\"hot_bins\": 16}, got " + describe_json(given));
    const nlohmann::json kind = given.value("distribution", nlohmann::json("uniform"));
    if (kind != "uniform" && kind != "hot")
        errors.fail(child_pointer(pointer, "distribution"), "expected \"uniform\" or \"hot\", got " + describe_json(kind));
    nlohmann::json out = {{"distribution", kind}};
    if (kind == "hot") {
        out["fraction"] = 0.9;
        out["hot_bins"] = 16;
    }
    for (auto& [key, value] : given.items()) {
        const std::string p = child_pointer(pointer, key);
        if (key == "distribution") continue;
        if (kind == "hot" && key == "fraction") {
            if (!value.is_number() || !(value.get<double>() >= 0 && value.get<double>() <= 1))
                errors.fail(p, "expected a fraction from 0 to 1, got " + describe_json(value));
            out[key] = value.get<double>();
        } else if (kind == "hot" && key == "hot_bins") {
            const auto hot_bins = json_uint64(value);
            if (!hot_bins || *hot_bins == 0) errors.fail(p, "expected a positive integer, got " + describe_json(value));
            out[key] = *hot_bins;
        } else {
            errors.fail(p, kind == "hot" ? "unknown key for the hot index distribution (valid: distribution, fraction, hot_bins)"
                                         : "unknown key for the uniform index distribution (valid: distribution)");
        }
    }
    if (kind == "hot" && out["hot_bins"].get<uint64_t>() > bins)
        errors.fail(child_pointer(pointer, "hot_bins"), "cannot be satisfied: " + out["hot_bins"].dump() +
                                                            " hot bins but only " + std::to_string(bins) + " bins");
    return out;
}

// a * b, or an error naming `pointer` when it overflows (or is beyond any memory: 2^56 elements).
uint64_t checked_product(uint64_t a, uint64_t b, const std::string& what, const std::string& pointer,
                         const ScenarioErrors& errors) {
    uint64_t r;
    const std::string product = what + " = " + std::to_string(a) + " x " + std::to_string(b);
    if (__builtin_mul_overflow(a, b, &r)) errors.fail(pointer, product + " overflows 64 bits");
    if (r > (uint64_t(1) << 56)) errors.fail(pointer, product + " exceeds 2^56 elements");
    return r;
}

nlohmann::json normalise_command(const nlohmann::json& v, const std::string& pointer, const ScenarioErrors& errors) {
    if (!v.is_array() || v.empty())
        errors.fail(pointer, "expected a non-empty array of strings, the program and its arguments, e.g. "
                             "[\"python3\", \"train.py\", \"--out\", \"{out}\"], got " + describe_json(v));
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = child_pointer(pointer, i);
        if (!v[i].is_string()) errors.fail(p, "expected a string, got " + describe_json(v[i]));
        const std::string arg = v[i].get<std::string>();
        if (i == 0 && arg.empty()) errors.fail(p, "expected the program to run, got an empty string");
        if (arg.find('\0') != std::string::npos) errors.fail(p, "contains a NUL character");
    }
    return v;
}

// Output patterns stay inside {out}: relative, no ".." component, no placeholders (an output's
// name must be the same in every run to be compared across runs). An entry is a pattern or
// {"path": pattern, "expect": {...}}; the normalised list holds the patterns (the scenario
// parser reads the expectations).
nlohmann::json normalise_outputs(const nlohmann::json& v, const std::string& pointer, const ScenarioErrors& errors) {
    if (!v.is_array() || v.empty())
        errors.fail(pointer, "expected a non-empty array of file names or globs relative to {out}, e.g. "
                             "[\"weights.npy\", \"logits/*.npy\"], got " + describe_json(v));
    std::set<std::string> seen;
    nlohmann::json patterns = nlohmann::json::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::string p = child_pointer(pointer, i);
        nlohmann::json entry = v[i];
        if (entry.is_object()) {
            for (auto& [key, value] : entry.items())
                if (key != "path" && key != "expect")
                    errors.fail(child_pointer(p, key), "unknown key for an output (valid: path, expect)");
            if (!entry.contains("path")) errors.fail(child_pointer(p, "path"), "missing: the file name or glob");
            entry = entry["path"];
            p = child_pointer(p, "path");
        }
        if (!entry.is_string() || entry.get<std::string>().empty())
            errors.fail(p, "expected a non-empty file name or glob (or {\"path\": ..., \"expect\": ...}), got " +
                               describe_json(entry));
        const std::string name = entry.get<std::string>();
        if (name.front() == '/') errors.fail(p, "must be relative to {out}, got the absolute path \"" + name + "\"");
        std::size_t start = 0;
        while (start <= name.size()) {
            const std::size_t slash = std::min(name.find('/', start), name.size());
            const std::string part = name.substr(start, slash - start);
            if (part == "..") errors.fail(p, "must stay inside {out}: \"" + name + "\" has a '..' component");
            if (part.empty() || part == ".")
                errors.fail(p, "expected a path like \"sub/file.npy\" without empty or '.' components, got \"" + name + "\"");
            start = slash + 1;
        }
        if (has_placeholder(name))
            errors.fail(p, "output names cannot hold {out}, {run} or {variant}: they name the same file in every run");
        if (name.find('\0') != std::string::npos) errors.fail(p, "contains a NUL character");
        if (!seen.insert(name).second) errors.fail(p, "listed twice: \"" + name + "\"");
        patterns.push_back(name);
    }
    return patterns;
}

nlohmann::json normalise_environment(const nlohmann::json& v, const std::string& pointer, const ScenarioErrors& errors) {
    if (!v.is_object())
        errors.fail(pointer, "expected an object of NAME -> string, e.g. {\"PYTHONHASHSEED\": \"0\"}, got " +
                                 describe_json(v));
    for (auto& [name, value] : v.items()) {
        const std::string p = child_pointer(pointer, name);
        if (!is_env_name(name)) errors.fail(p, "expected an environment variable name of letters, digits and '_' not starting with a digit");
        if (!value.is_string()) errors.fail(p, "expected a string value, got " + describe_json(value));
        if (value.get<std::string>().find('\0') != std::string::npos) errors.fail(p, "contains a NUL character");
    }
    return v;
}

double finite_number(const nlohmann::json& v, const std::string& pointer, const ScenarioErrors& errors,
                     const std::string& what) {
    if (!v.is_number()) errors.fail(pointer, "expected " + what + ", got " + describe_json(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) errors.fail(pointer, "expected " + what + ", got " + describe_json(v));
    return d;
}

nlohmann::json normalise_input(const nlohmann::json& given, const std::string& pointer,
                               const ScenarioErrors& errors) {
    if (!given.is_object())
        errors.fail(pointer, "expected an object like {\"distribution\": \"uniform\", \"low\": -1, "
                             "\"high\": 1}, got " + describe_json(given));
    const std::string kind = given.value("distribution", std::string("uniform"));
    if (given.contains("distribution") && !given["distribution"].is_string())
        errors.fail(child_pointer(pointer, "distribution"),
                    "expected \"uniform\", \"normal\" or \"cancelling\", got " + describe_json(given["distribution"]));
    std::map<std::string, double> keys;
    if (kind == "uniform") keys = {{"low", -1.0}, {"high", 1.0}};
    else if (kind == "normal") keys = {{"mean", 0.0}, {"stddev", 1.0}};
    else if (kind == "cancelling") keys = {{"magnitude", 1e6}};
    else
        errors.fail(child_pointer(pointer, "distribution"),
                    "expected \"uniform\", \"normal\" or \"cancelling\", got " + describe_json(given["distribution"]));
    nlohmann::json out = {{"distribution", kind}};
    for (auto& [key, value] : given.items()) {
        if (key == "distribution") continue;
        if (!keys.count(key)) {
            std::vector<std::string> valid;
            for (auto& [k, d] : keys) valid.push_back(k);
            errors.fail(child_pointer(pointer, key), "unknown key for the " + kind +
                                                         " distribution (valid: distribution, " +
                                                         join_choices(valid) + ")");
        }
        keys[key] = finite_number(value, child_pointer(pointer, key), errors, "a finite number");
    }
    for (auto& [key, value] : keys) out[key] = value;
    if (kind == "uniform" && !(keys["low"] < keys["high"]))
        errors.fail(child_pointer(pointer, "high"), "expected high > low, got low " +
                                                        describe_json(keys["low"]) + ", high " +
                                                        describe_json(keys["high"]));
    if (kind == "normal" && !(keys["stddev"] > 0))
        errors.fail(child_pointer(pointer, "stddev"), "expected a positive number, got " + describe_json(keys["stddev"]));
    if (kind == "cancelling" && !(keys["magnitude"] > 0))
        errors.fail(child_pointer(pointer, "magnitude"), "expected a positive number, got " + describe_json(keys["magnitude"]));
    return out;
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

nlohmann::json normalise_params(const KindSpec& kind, const std::string& algorithm,
                                const nlohmann::json& given, const std::string& op_pointer,
                                const ScenarioErrors& errors,
                                const std::map<std::string, std::string>& pointer_overrides) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& spec : kind.params) {
        const auto overridden = pointer_overrides.find(spec.name);
        const std::string pointer =
            overridden != pointer_overrides.end() ? overridden->second : child_pointer(op_pointer, spec.name);
        const nlohmann::json& value = given.contains(spec.name) ? given[spec.name] : spec.default_value;
        switch (spec.type) {
        case ParamType::count: {
            const auto count = json_uint64(value);
            if (!count || *count == 0) errors.fail(pointer, "expected a positive integer, got " + describe_json(value));
            if (*count > k_max_count) errors.fail(pointer, "expected at most 2^40, got " + describe_json(value));
            out[spec.name] = *count;
            break;
        }
        case ParamType::offset: {
            const auto offset = json_uint64(value);
            if (!offset) errors.fail(pointer, "expected an integer from 0 to 2^64-1, got " + describe_json(value));
            out[spec.name] = *offset;
            break;
        }
        case ParamType::dtype:
        case ParamType::choice: {
            bool ok = value.is_string();
            if (ok) {
                ok = false;
                for (const auto& c : spec.choices) ok = ok || value.get<std::string>() == c;
            }
            if (!ok)
                errors.fail(pointer, "expected " + join_choices(spec.choices) + ", got " + describe_json(value));
            out[spec.name] = value;
            break;
        }
        case ParamType::input_distribution: out[spec.name] = normalise_input(value, pointer, errors); break;
        case ParamType::optional_input_distribution:
            out[spec.name] = value.is_null() ? value : normalise_input(value, pointer, errors);
            break;
        case ParamType::index_distribution: break; // needs `bins`: below
        case ParamType::command:
            if (value.is_null()) errors.fail(pointer, "missing: the program to run and its arguments, e.g. [\"python3\", \"train.py\", \"{out}\"]");
            out[spec.name] = normalise_command(value, pointer, errors);
            break;
        case ParamType::output_patterns:
            if (value.is_null()) errors.fail(pointer, "missing: the files the program writes into {out}, e.g. [\"weights.npy\"]");
            out[spec.name] = normalise_outputs(value, pointer, errors);
            break;
        case ParamType::environment: out[spec.name] = normalise_environment(value, pointer, errors); break;
        case ParamType::seconds: {
            const double seconds = finite_number(value, pointer, errors, "a positive number of seconds");
            if (!(seconds > 0) || seconds > 7 * 86400)
                errors.fail(pointer, "expected a positive number of seconds up to 604800 (a week), got " + describe_json(value));
            out[spec.name] = value;
            break;
        }
        case ParamType::directory:
            if (!value.is_string() || value.get<std::string>().find('\0') != std::string::npos)
                errors.fail(pointer, "expected a directory path (relative to the scenario file), got " + describe_json(value));
            out[spec.name] = value;
            break;
        case ParamType::flag:
            if (!value.is_boolean()) errors.fail(pointer, "expected true or false, got " + describe_json(value));
            out[spec.name] = value;
            break;
        }
    }
    for (const auto& spec : kind.params) // the dtype is known now: inputs must fit it
        if ((spec.type == ParamType::input_distribution || spec.type == ParamType::optional_input_distribution) &&
            !out[spec.name].is_null()) {
            const auto overridden = pointer_overrides.find(spec.name);
            check_input_range(out[spec.name], out["dtype"].get<std::string>(),
                              overridden != pointer_overrides.end() ? overridden->second : child_pointer(op_pointer, spec.name),
                              errors);
        }
    if (kind.name == "scatter_add") {
        const auto overridden = pointer_overrides.find("index");
        out["index"] = normalise_index(given.value("index", nlohmann::json{{"distribution", "uniform"}}),
                                       out["bins"].get<uint64_t>(),
                                       overridden != pointer_overrides.end() ? overridden->second
                                                                             : child_pointer(op_pointer, "index"),
                                       errors);
    }
    if (kind.name == "matmul") {
        const uint64_t m = out["m"], n = out["n"], k = out["k"];
        checked_product(m, k, "m x k (elements of A)", op_pointer, errors);
        checked_product(k, n, "k x n (elements of B)", op_pointer, errors);
        checked_product(m, n, "m x n (elements of C)", op_pointer, errors);
    }
    if (kind.name == "elementwise") {
        const bool is_pow = out["function"] == "pow";
        if (is_pow && out["exponent"].is_null())
            errors.fail(child_pointer(op_pointer, "exponent"),
                        "required when function is pow: an input distribution for the exponents, e.g. "
                        "{\"distribution\": \"uniform\", \"low\": 0.5, \"high\": 2}");
        if (!is_pow && !out["exponent"].is_null())
            errors.fail(child_pointer(op_pointer, "exponent"), "only pow takes an exponent, not " + out["function"].dump());
        if (!is_pow) out.erase("exponent");
    }
    // Parameters that only one algorithm reads: refused elsewhere, and absent from the other
    // algorithms' normalised parameters (so their reports are unchanged).
    const auto only_for = [&](const char* param, std::vector<std::string> algorithms) {
        if (!out.contains(param)) return;
        if (std::find(algorithms.begin(), algorithms.end(), algorithm) != algorithms.end()) return;
        if (given.contains(param))
            errors.fail(child_pointer(op_pointer, param),
                        "only " + join_choices(algorithms) + " takes `" + param + "`, not " + algorithm);
        out.erase(param);
    };
    if (kind.name == "rng") only_for("offset", {"curand"});
    if (kind.name == "matmul") {
        only_for("math", {"cublas"});
        only_for("precision", {"cublas"});
        if (out.contains("precision") && out["precision"] != "same" && out["dtype"] != "f32")
            errors.fail(child_pointer(op_pointer, "precision"), "f16 and bf16 inputs need dtype f32 (f32 accumulation)");
        if (out.contains("math") && out["math"] == "tf32" && out["dtype"] != "f32")
            errors.fail(child_pointer(op_pointer, "math"), "tf32 applies to f32 products only, not " + out["dtype"].dump());
    }
    if ((kind.name == "reduce" || kind.name == "scatter_add") && algorithm == "reproducible" &&
        out["n"].get<uint64_t>() > kernels::k_binned_max_elements)
        errors.fail(child_pointer(op_pointer, "n"),
                    "the reproducible accumulator takes at most 2^32 values, got " + describe_json(out["n"]));
    return out;
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
