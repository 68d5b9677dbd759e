// Strict JSON for scenario files: what nlohmann::json accepts silently (a repeated key, where the
// last one wins; text after a NUL byte, which ends its input) or reports as an internal error (a
// number beyond a double's range: 1e400, a 100,000-digit integer) is a scenario error here, with
// the line and column where it is.
#pragma once
#include <string>
#include <nlohmann/json.hpp>

namespace detaudit {

// "1:1" for the first byte; `byte` counts bytes read (nlohmann's position), so the column is that
// of the last byte read.
std::string line_column(const std::string& text, std::size_t byte);

// Throws detaudit::Error (scenario) "display_path:LINE:COLUMN: what" for malformed JSON, a NUL
// byte, a repeated key in an object and a number that does not fit a double.
nlohmann::json parse_strict_json(const std::string& text, const std::string& display_path);

} // namespace detaudit
