// Variation axes: settings that should not change results in a reproducible world. Each axis
// belongs to one backend (its prefix) and validates its own values.
#pragma once
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include "common/env_name.hpp"
#include "common/json_path.hpp"
#include "scenario.hpp"

namespace detaudit {

// What values an axis takes; validate_axis_value's messages follow from the spec's fields.
enum class AxisType {
    integer,         // `low` to `high` in steps of `step`
    integer_or_auto, // "auto" or as integer
    choice,          // one of `choices`
    env_value,       // a string without NUL, or null (the variable unset)
};

// One axis, as data: adding an axis is one entry in known_axes() (axes.cpp).
struct AxisSpec {
    std::string name;        // "cpu.threads"
    std::string backend;     // the backend it applies to
    std::string description;
    AxisType type = AxisType::integer;
    nlohmann::json default_value{}; // when the scenario does not vary it; null: none (env: inherited)
    uint64_t low = 0, high = 0, step = 1; // integer axes
    std::string counted{};                // integer axes: "a thread count"
    std::string limit_note{};              // integer axes: why the limit, e.g. " (CUDA's limit)"
    std::vector<std::string> choices{};    // choice axes
};

// env.NAME: one axis per environment variable, for the exec programs of the host backend.
inline constexpr const char* k_env_axis_prefix = "env.";
inline constexpr const char* k_env_axis_pattern = "env.NAME";

// Every axis; env axes appear once, as the pattern "env.NAME".
const std::vector<AxisSpec>& known_axes();
// The spec of an axis by its name ("cpu.threads", "env.OMP_NUM_THREADS"), or nullptr.
const AxisSpec* find_axis(const std::string& name);
bool is_env_axis(const std::string& name);
// Does the setting `axis` belong to `backend` (cpu.* to cpu, env.* to host)?
bool axis_applies_to(const std::string& axis, const std::string& backend);
void validate_axis_value(const AxisSpec& axis, const nlohmann::json& value, const std::string& pointer,
                         const ScenarioErrors& errors);
// The value an axis takes when the scenario does not vary it.
nlohmann::json default_axis_value(const std::string& axis);

// An axis value as it appears in variant names: strings bare, numbers as JSON.
std::string axis_value_text(const nlohmann::json& value);
// Base first, then one axis changed at a time (or the full product).
std::vector<Variant> make_variants(const std::vector<VaryAxis>& vary, bool product);
// Does `variant` differ from the base in an axis that applies to `backend`? The base always does.
bool variant_applies_to(const Variant& variant, const std::string& backend);

} // namespace detaudit
