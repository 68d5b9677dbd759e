// The op catalog: every kind, its parameters with defaults, its algorithms, which backend
// implements each and what that implementation is designed to guarantee.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include "common/dtype.hpp"
#include "common/determinism_class.hpp"

namespace detaudit {

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

// A parameter value under which an algorithm claims less than its `backends` say: rng's normal
// draws call each backend's own log/sin/cos, so they are no longer the same bits everywhere.
struct DesignCondition {
    std::string param;  // "distribution"
    std::string value;  // "normal"
    DesignClass at_most; // every backend's claim is capped here
    std::string reason; // why, for `detaudit ops` and the report's contradictions
};

struct AlgorithmSpec {
    std::string name;
    std::string description;
    std::map<std::string, DesignClass> backends; // backend -> design class (no condition holding)
    std::vector<DesignCondition> weaker_when = {};
    // backend -> why this build cannot run it (cuRAND without the CUDA toolkit); its cells are
    // skipped with that reason. Every build has the same catalog, so scenarios parse everywhere.
    std::map<std::string, std::string> missing_in_build = {};
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

// The design class of `algorithm` on `backend` (which must implement it) for an op's normalised
// parameters: the catalog's class, capped by every condition of `weaker_when` that holds.
DesignClass design_class(const AlgorithmSpec& algorithm, const std::string& backend, const nlohmann::json& params);
// The conditions of `algorithm` that hold for `params`.
std::vector<const DesignCondition*> holding_conditions(const AlgorithmSpec& algorithm, const nlohmann::json& params);
// Why a cell of kind/algorithm cannot run on `backend` in this build, "" when it can: the
// algorithm is not implemented there, or this build lacks what it needs.
std::string unavailable_reason(const std::string& kind, const std::string& algorithm, const std::string& backend);

// What one run produces, from the normalised parameters.
DType output_dtype(const std::string& kind, const nlohmann::json& params);
std::vector<std::size_t> output_shape(const std::string& kind, const nlohmann::json& params);
// Bytes of the inputs generated for the op (shared by every backend and variant).
uint64_t input_bytes(const std::string& kind, const nlohmann::json& params);

// The catalog as data, for `detaudit ops --json` and docs.
nlohmann::json catalog_to_json();

} // namespace detaudit
