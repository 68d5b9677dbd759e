#include "report/json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace detaudit {

std::string JsonPointer::text() const {
    if (!m_parent) return "";
    return m_key ? child_pointer(m_parent->text(), *m_key) : child_pointer(m_parent->text(), m_index);
}

void JsonAt::fail(const std::string& expected) const {
    errors.fail(pointer.text(), "expected " + expected + ", got " + describe_json(value));
}

JsonAt JsonAt::at(std::size_t index) const {
    return JsonAt{array()[index], JsonPointer(pointer, index), errors};
}

std::string JsonAt::string() const {
    if (!value.is_string()) fail("a string");
    return value.get<std::string>();
}

bool JsonAt::boolean() const {
    if (!value.is_boolean()) fail("true or false");
    return value.get<bool>();
}

uint64_t JsonAt::uint64() const {
    const auto v = json_uint64(value);
    if (!v) fail("a non-negative integer");
    return *v;
}

std::size_t JsonAt::count() const {
    const uint64_t v = uint64();
    if (v > std::numeric_limits<std::size_t>::max()) fail("a count that fits this machine");
    return static_cast<std::size_t>(v);
}

int JsonAt::integer() const {
    if (value.is_number_unsigned()) {
        if (value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max()))
            fail("an int");
        return static_cast<int>(value.get<uint64_t>());
    }
    if (!value.is_number_integer()) fail("an integer");
    const int64_t v = value.get<int64_t>();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) fail("an int");
    return static_cast<int>(v);
}

double JsonAt::number() const {
    if (!value.is_number()) fail("a number");
    return value.get<double>();
}

std::optional<double> JsonAt::number_or_null() const {
    if (value.is_null()) return std::nullopt;
    return number();
}

double JsonAt::number_or_text() const {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text == "inf") return std::numeric_limits<double>::infinity();
        if (text == "-inf") return -std::numeric_limits<double>::infinity();
        if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    }
    if (!value.is_number()) fail("a number, \"inf\", \"-inf\" or \"nan\"");
    return value.get<double>();
}

const nlohmann::json& JsonAt::object() const {
    if (!value.is_object()) fail("an object");
    return value;
}

const nlohmann::json& JsonAt::array() const {
    if (!value.is_array()) fail("an array");
    return value;
}

std::vector<std::string> JsonAt::strings() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array().size(); ++i)
        out.push_back(at(i).string());
    return out;
}

JsonObject::JsonObject(const JsonAt& at)
    : m_value(at.object()), m_pointer(at.pointer), m_errors(at.errors) {}

JsonAt JsonObject::required(const std::string& key) {
    const auto it = m_value.find(key);
    if (it == m_value.end()) m_errors.fail(m_pointer.text(), "missing required key \"" + key + "\"");
    m_taken.push_back(&*it);
    return JsonAt{*it, JsonPointer(m_pointer, it.key()), m_errors}; // it.key() lives in the document
}

bool JsonObject::has(const std::string& key) const {
    return m_value.contains(key);
}

void JsonObject::finish() const {
    for (const auto& item : m_value.items())
        if (std::find(m_taken.begin(), m_taken.end(), &item.value()) == m_taken.end())
            m_errors.fail(child_pointer(m_pointer.text(), item.key()), "unknown key in a detaudit report");
}

} // namespace detaudit
