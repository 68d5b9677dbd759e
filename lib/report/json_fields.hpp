// Strict typed reads of a parsed JSON document for the report reader: every error is one line,
// "file: /json/pointer: what was expected, got what" (exit 2), and an object with a key the
// reader does not know is refused, so a report of another format is never half understood.
#pragma once
#include <optional>
#include "common/json_path.hpp"
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace detaudit {

// A value's JSON pointer, kept as a link to its parent's and spelled out only for a message:
// reading a report makes one per field and prints almost none. The parent (a JsonAt or a
// JsonObject further up the reading) and the key (as the document stores it) must outlive it.
class JsonPointer {
  public:
    JsonPointer() = default; // the document itself: ""
    JsonPointer(const JsonPointer& parent, const std::string& key) : m_parent(&parent), m_key(&key) {}
    JsonPointer(const JsonPointer& parent, std::size_t index) : m_parent(&parent), m_index(index) {}
    std::string text() const;

  private:
    const JsonPointer* m_parent = nullptr;
    const std::string* m_key = nullptr; // null for an array index
    std::size_t m_index = 0;
};

// Where a value sits: the document's errors and its JSON pointer.
struct JsonAt {
    const nlohmann::json& value;
    JsonPointer pointer;
    const ScenarioErrors& errors;

    [[noreturn]] void fail(const std::string& expected) const;
    JsonAt at(std::size_t index) const;
    std::string string() const;
    bool boolean() const;
    uint64_t uint64() const;
    std::size_t count() const;     // a non-negative integer that fits size_t
    int integer() const;           // any integer that fits int
    double number() const;         // any JSON number
    std::optional<double> number_or_null() const; // a number, or null (a figure not computed)
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
    const JsonPointer& pointer() const { return m_pointer; }

  private:
    const nlohmann::json& m_value;
    JsonPointer m_pointer;
    const ScenarioErrors& m_errors;
    std::vector<const nlohmann::json*> m_taken; // few keys: a scan beats a set of copied strings
};

} // namespace detaudit
