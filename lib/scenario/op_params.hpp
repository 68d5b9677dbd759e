// An op's parameters against its kind's declaration in the catalog: values checked with
// JSON-pointer errors, defaults filled, what one kind requires of its parameters together.
#pragma once
#include <map>
#include <string>
#include <nlohmann/json.hpp>
#include "catalog/catalog.hpp"
#include "common/json_path.hpp"

namespace detaudit {

// Validates one op's parameters (the keys that are not reserved) and fills in defaults.
// `op_pointer` is the op's JSON pointer; errors name the parameter's pointer, or its entry in
// `pointer_overrides` (values inherited from /defaults are reported there).
nlohmann::json normalise_params(const KindSpec& kind, const std::string& algorithm,
                                const nlohmann::json& given, const std::string& op_pointer,
                                const ScenarioErrors& errors,
                                const std::map<std::string, std::string>& pointer_overrides = {});

} // namespace detaudit
