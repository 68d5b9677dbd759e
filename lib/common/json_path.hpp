// Scenario errors: "file: /json/pointer: what was expected, got what" as one line (exit 2).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <nlohmann/json.hpp>
#include "common/error.hpp"

namespace detaudit {

class ScenarioErrors {
public:
    explicit ScenarioErrors(std::string file) : m_file(std::move(file)) {}
    [[noreturn]] void fail(const std::string& pointer, const std::string& message) const;
    const std::string& file() const { return m_file; }

private:
    std::string m_file;
};

// Short description of a JSON value for messages: `-5`, `"fast"`, `an object`.
std::string describe_json(const nlohmann::json& value);
// Appends a reference token to a JSON pointer, escaping ~ and / (RFC 6901).
std::string child_pointer(const std::string& pointer, const std::string& token);
std::string child_pointer(const std::string& pointer, std::size_t index);
// A JSON integer from 0 to 2^64-1 as itself, checked before any narrowing; nullopt for anything
// else (negative, fractional, 1e3, a string). Callers then check their own range.
std::optional<uint64_t> json_uint64(const nlohmann::json& value);
// "a, b or c"
std::string join_choices(const std::vector<std::string>& choices);

} // namespace detaudit
