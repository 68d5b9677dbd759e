#include "common/json_path.hpp"

namespace detaudit {

void ScenarioErrors::fail(const std::string& pointer, const std::string& message) const {
    throw Error(ErrorKind::scenario, m_file + ": " + (pointer.empty() ? "/" : pointer) + ": " + message);
}

std::string describe_json(const nlohmann::json& value) {
    switch (value.type()) {
    case nlohmann::json::value_t::object: return value.empty() ? "an empty object" : "an object";
    case nlohmann::json::value_t::array: return value.empty() ? "an empty array" : "an array";
    case nlohmann::json::value_t::null: return "null";
    default: {
        std::string text = value.dump();
        if (text.size() > 60) text = text.substr(0, 57) + "...";
        return text;
    }
    }
}

std::string child_pointer(const std::string& pointer, const std::string& token) {
    std::string escaped;
    for (char c : token) {
        if (c == '~') escaped += "~0";
        else if (c == '/') escaped += "~1";
        else escaped += c;
    }
    return pointer + "/" + escaped;
}

std::string child_pointer(const std::string& pointer, std::size_t index) {
    return pointer + "/" + std::to_string(index);
}

std::string join_choices(const std::vector<std::string>& choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i) out += i + 1 == choices.size() ? " or " : ", ";
        out += choices[i];
    }
    return out;
}

std::optional<uint64_t> json_uint64(const nlohmann::json& value) {
    // nlohmann keeps non-negative integers as unsigned and negative ones as signed.
    if (value.is_number_unsigned()) return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() >= 0) return static_cast<uint64_t>(value.get<int64_t>());
    return std::nullopt;
}

} // namespace detaudit
