// Path flags (--json, --junit): an empty value is an error, not "no report" (CLI11 would store
// the empty string and the report would silently not be written).
#pragma once
#include <CLI/CLI.hpp>

namespace detaudit::app {

inline CLI::Validator non_empty_path() {
    return CLI::Validator([](std::string& text) -> std::string {
        return text.empty() ? "expected a file path, got an empty string" : "";
    }, "");
}

} // namespace detaudit::app
