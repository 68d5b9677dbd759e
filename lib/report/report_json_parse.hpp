// Internal to lib/report's reader: a saved report's text parsed into a JSON document, refusing
// what nlohmann::json::parse lets through silently: an object that names a key twice (the parser
// would keep the last; a report detaudit wrote never does, so such a file was edited or spliced).
#pragma once
#include "common/json_path.hpp"
#include <nlohmann/json.hpp>
#include <string_view>

namespace detaudit {

// Invalid or truncated JSON: "FILE: /: not a JSON report: ..."; a duplicate key: "FILE: /json/
// pointer/key: duplicate key in a detaudit report" (detaudit::Error, exit 2).
nlohmann::json parse_report_json(std::string_view text, const ScenarioErrors& errors);

} // namespace detaudit
