// Input distributions must produce finite values of the op's dtype: a uniform range whose width
// high - low overflows, or bounds beyond the dtype's largest value, would fill the inputs with inf.
#pragma once
#include <string>
#include <nlohmann/json.hpp>

namespace detaudit {

class ScenarioErrors;

// `input` is a normalised distribution ({"distribution": "uniform", "low": .., "high": ..}, ...),
// `dtype` "f32" or "f64"; errors name `pointer`'s key that is out of range.
void check_input_range(const nlohmann::json& input, const std::string& dtype, const std::string& pointer,
                       const ScenarioErrors& errors);

} // namespace detaudit
