// The scenario model (DESIGN.md §4): what to audit, how often, where, under which variations,
// and what is expected. Produced by parse_scenario; everything in it is already validated.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace detaudit {

inline constexpr const char* k_axis_run_to_run = "run_to_run";
inline constexpr const char* k_axis_across_variants = "across_variants";
inline constexpr const char* k_axis_cross_backend = "cross_backend";
// run --baseline: each cell against the matching cell of a saved report (lib/audit/baseline).
inline constexpr const char* k_axis_baseline = "baseline";
const std::vector<std::string>& comparison_axes();

// "runs": "auto" (lib/audit/run_count.hpp): as many runs as the cell's question needs.
inline constexpr int k_runs_auto = 0;

struct Expectation {
    enum class Kind { identical, differs, any, tolerance };
    Kind kind = Kind::any;
    std::optional<double> max_ulp, max_abs, max_rel; // tolerance: every key given must hold
    nlohmann::json to_json() const;
};

struct OpSpec {
    std::string id, kind, algorithm, description;
    std::string pointer;                  // "/operations/3", for messages
    std::string base_dir;                 // the scenario file's directory: exec's relative cwd starts here
    nlohmann::json params;                // normalised: every parameter of the kind, defaults filled
    int runs = 0;                         // effective; k_runs_auto: "auto"
    std::vector<std::string> backends;    // effective
    uint64_t seed = 0;                    // effective: the op's own or the scenario's
    std::map<std::string, Expectation> expect; // only the axes the scenario states (op or defaults)
    // exec: (output pattern, the axes its own "expect" states), in the order of `outputs`: the
    // first pattern matching an output that states an axis decides it, over `expect`.
    std::vector<std::pair<std::string, std::map<std::string, Expectation>>> output_expect;
    bool accuracy = false;     // "accuracy": each cell's error against an exact reference (lib/audit/accuracy)
    std::string data;          // "data": ops with one data name get the same inputs (validated alike)
    std::optional<Expectation> across_algorithms; // expect.across_algorithms: vs the other ops sharing data
};

inline constexpr const char* k_axis_across_algorithms = "across_algorithms";

struct VaryAxis {
    std::string name;                     // "cpu.threads"
    std::vector<nlohmann::json> values;   // first is the base
};

struct Variant {
    std::string name;                     // "base", "cpu.threads=8", "A=1,B=2"
    nlohmann::json settings;              // every axis -> value
    std::vector<std::string> changed_axes; // axes whose value differs from the base
};

struct Scenario {
    std::string path, name, description, file_digest;
    uint64_t seed = 0;
    int runs = 0;                         // k_runs_auto: "auto"
    std::vector<std::string> backends;
    std::vector<VaryAxis> vary;
    bool vary_product = false;
    std::vector<OpSpec> operations;
};

// The expectation in force for (op, axis): stated > --strict ("identical") > DESIGN defaults.
Expectation effective_expectation(const OpSpec& op, const std::string& axis, bool strict);
// The same for one exec output ("logits.npy", "state.npz:w1"): its pattern's own expectation
// first (an .npz member matches by its file's name).
Expectation effective_expectation(const OpSpec& op, const std::string& axis, bool strict, const std::string& output);

} // namespace detaudit
