// Reads a scenario file and validates all of it (DESIGN.md §4) before anything runs.
#pragma once
#include <string>
#include "scenario.hpp"

namespace detaudit {

// Throws detaudit::Error (scenario kind) with "file:line:column: ..." for malformed JSON and
// "file: /json/pointer: expected ..., got ..." for everything else.
Scenario parse_scenario_file(const std::string& path);
Scenario parse_scenario_text(const std::string& text, const std::string& display_path);

} // namespace detaudit
