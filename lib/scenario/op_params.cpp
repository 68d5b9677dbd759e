#include "op_params.hpp"
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include "catalog/input_range.hpp"
#include "common/env_name.hpp"
#include "common/json_path.hpp"
#include "exec/placeholders.hpp"
#include "kernels/common/binned_sum.hpp"

namespace detaudit {
namespace {

constexpr uint64_t k_max_count = uint64_t(1) << 40; // memory, not this, is the practical bound

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


// One parameter's value (given, or its default) checked against its spec.
nlohmann::json normalise_value(const ParamSpec& spec, const nlohmann::json& value, const std::string& pointer,
                               const ScenarioErrors& errors) {
    switch (spec.type) {
    case ParamType::count: {
        const auto count = json_uint64(value);
        if (!count || *count == 0) errors.fail(pointer, "expected a positive integer, got " + describe_json(value));
        if (*count > k_max_count) errors.fail(pointer, "expected at most 2^40, got " + describe_json(value));
        return *count;
    }
    case ParamType::offset: {
        const auto offset = json_uint64(value);
        if (!offset) errors.fail(pointer, "expected an integer from 0 to 2^64-1, got " + describe_json(value));
        return *offset;
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
        return value;
    }
    case ParamType::input_distribution: return normalise_input(value, pointer, errors);
    case ParamType::optional_input_distribution:
        return value.is_null() ? value : normalise_input(value, pointer, errors);
    case ParamType::index_distribution: break; // normalise_params leaves it to check_kind
    case ParamType::command:
        if (value.is_null()) errors.fail(pointer, "missing: the program to run and its arguments, e.g. [\"python3\", \"train.py\", \"{out}\"]");
        return normalise_command(value, pointer, errors);
    case ParamType::output_patterns:
        if (value.is_null()) errors.fail(pointer, "missing: the files the program writes into {out}, e.g. [\"weights.npy\"]");
        return normalise_outputs(value, pointer, errors);
    case ParamType::environment: return normalise_environment(value, pointer, errors);
    case ParamType::seconds: {
        const double seconds = finite_number(value, pointer, errors, "a positive number of seconds");
        if (!(seconds > 0) || seconds > 7 * 86400)
            errors.fail(pointer, "expected a positive number of seconds up to 604800 (a week), got " + describe_json(value));
        return value;
    }
    case ParamType::directory:
        if (!value.is_string() || value.get<std::string>().find('\0') != std::string::npos)
            errors.fail(pointer, "expected a directory path (relative to the scenario file), got " + describe_json(value));
        return value;
    case ParamType::flag:
        if (!value.is_boolean()) errors.fail(pointer, "expected true or false, got " + describe_json(value));
        return value;
    }
    return value;
}

// What one kind requires of its parameters together, and parameters only one algorithm reads.
void check_kind(const KindSpec& kind, const std::string& algorithm, const nlohmann::json& given, nlohmann::json& out,
                const std::string& op_pointer, const ScenarioErrors& errors,
                const std::map<std::string, std::string>& pointer_overrides) {
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
}

} // namespace

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
        if (spec.type != ParamType::index_distribution) // needs `bins`: check_kind
            out[spec.name] = normalise_value(spec, value, pointer, errors);
    }
    for (const auto& spec : kind.params) // the dtype is known now: inputs must fit it
        if ((spec.type == ParamType::input_distribution || spec.type == ParamType::optional_input_distribution) &&
            !out[spec.name].is_null()) {
            const auto overridden = pointer_overrides.find(spec.name);
            check_input_range(out[spec.name], out["dtype"].get<std::string>(),
                              overridden != pointer_overrides.end() ? overridden->second : child_pointer(op_pointer, spec.name),
                              errors);
        }
    check_kind(kind, algorithm, given, out, op_pointer, errors, pointer_overrides);
    return out;
}

} // namespace detaudit
