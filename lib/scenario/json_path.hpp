// Scenario errors: "file: /json/pointer: what was expected, got what" as one line (exit 2).
#pragma once
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
// "a, b or c"
std::string join_choices(const std::vector<std::string>& choices);

} // namespace detaudit
