// Strict typed reads of a parsed JSON document for the report reader: every error is one line,
// "file: /json/pointer: what was expected, got what" (exit 2), and an object with a key the
// reader does not know is refused, so a report of another format is never half understood.
#pragma once
#include "common/json_path.hpp"
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace detaudit {

// Where a value sits: the document's errors and its JSON pointer.
struct JsonAt {
    const nlohmann::json& value;
    std::string pointer;
    const ScenarioErrors& errors;

    [[noreturn]] void fail(const std::string& expected) const;
    JsonAt at(std::size_t index) const;
    std::string string() const;
    bool boolean() const;
    uint64_t uint64() const;
    std::size_t count() const;     // a non-negative integer that fits size_t
    int integer() const;           // any integer that fits int
    double number() const;         // any JSON number
    double number_or_text() const; // a number, or "inf", "-inf", "nan" (what JSON lacks)
    const nlohmann::json& object() const;
    const nlohmann::json& array() const;
    std::vector<std::string> strings() const;
};

// An object whose keys are taken one by one; finish() refuses any key nobody took.
class JsonObject {
  public:
    explicit JsonObject(const JsonAt& at);
    JsonAt required(const std::string& key);
    bool has(const std::string& key) const;
    // Call only after has(key).
    JsonAt optional(const std::string& key) { return required(key); }
    void finish() const;
    const std::string& pointer() const { return m_pointer; }

  private:
    const nlohmann::json& m_value;
    std::string m_pointer;
    const ScenarioErrors& m_errors;
    std::set<std::string> m_taken;
};

} // namespace detaudit
