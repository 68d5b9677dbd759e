// The op catalog: every kind, its parameters with defaults, its algorithms, which backend
// implements each and what that implementation is designed to guarantee.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include "common/dtype.hpp"
#include "report/report.hpp"

namespace detaudit {

class ScenarioErrors;

enum class ParamType {
    count,              // a positive integer (element counts)
    offset,             // a non-negative integer
    dtype,              // "f32" | "f64"
    choice,             // one string of `choices`
    input_distribution, // {"distribution": "uniform", "low": -1, "high": 1} and friends
    optional_input_distribution, // the same, or absent (null default); the kind says when it is required
    index_distribution, // {"distribution": "uniform"} or {"distribution": "hot", "fraction": 0.9, "hot_bins": 16}
    command,            // exec: a non-empty argv array of strings, placeholders allowed
    output_patterns,    // exec: a non-empty array of relative paths or globs inside {out}
    environment,        // exec: an object NAME -> string (placeholders allowed)
    seconds,            // a positive number of seconds
    directory,          // a path, relative to the scenario file's directory ("" : that directory)
    flag,               // true or false
};

struct ParamSpec {
    std::string name;
    ParamType type;
    nlohmann::json default_value;
    std::vector<std::string> choices; // choice
    std::string description;
};

struct AlgorithmSpec {
    std::string name;
    std::string description;
    std::map<std::string, DesignClass> backends; // backend -> design class
};

struct KindSpec {
    std::string name;
    std::string description;
    std::vector<ParamSpec> params;
    std::vector<AlgorithmSpec> algorithms;
};

const std::vector<KindSpec>& catalog();
const KindSpec* find_kind(const std::string& name);
const AlgorithmSpec* find_algorithm(const KindSpec& kind, const std::string& name);
std::vector<std::string> kind_names();
std::vector<std::string> algorithm_names(const KindSpec& kind);
std::vector<std::string> param_names(const KindSpec& kind);
bool kind_has_param(const KindSpec& kind, const std::string& name);

// Validates one op's parameters (the keys that are not reserved) and fills in defaults.
// `op_pointer` is the op's JSON pointer; errors name the parameter's pointer, or its entry in
// `pointer_overrides` (values inherited from /defaults are reported there).
nlohmann::json normalise_params(const KindSpec& kind, const std::string& algorithm,
                                const nlohmann::json& given, const std::string& op_pointer,
                                const ScenarioErrors& errors,
                                const std::map<std::string, std::string>& pointer_overrides = {});

// What one run produces, from the normalised parameters.
DType output_dtype(const std::string& kind, const nlohmann::json& params);
std::vector<std::size_t> output_shape(const std::string& kind, const nlohmann::json& params);
// Bytes of the inputs generated for the op (shared by every backend and variant).
uint64_t input_bytes(const std::string& kind, const nlohmann::json& params);

// The catalog as data, for `detaudit ops --json` and docs.
nlohmann::json catalog_to_json();

} // namespace detaudit
