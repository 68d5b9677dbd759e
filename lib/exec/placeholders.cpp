#include "placeholders.hpp"
#include <stdexcept>

namespace detaudit {
namespace {

const char* const k_names[] = {"out", "run", "variant"};

bool known(const std::string& name) {
    for (const char* n : k_names)
        if (name == n) return true;
    return false;
}

// Walks `text`, calling on_text for literal runs and on_name for each {name}; returns an error.
template <typename Text, typename Name>
std::optional<std::string> walk(const std::string& text, Text&& on_text, Name&& on_name) {
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            on_text(std::string(1, c));
            i += 2;
        } else if (c == '}') {
            return "a '}' without its '{' at offset " + std::to_string(i) + " (write }} for a literal brace)";
        } else if (c == '{') {
            const std::size_t close = text.find('}', i + 1);
            if (close == std::string::npos)
                return "an unclosed '{' at offset " + std::to_string(i) + " (write {{ for a literal brace)";
            const std::string name = text.substr(i + 1, close - i - 1);
            if (!known(name))
                return "unknown placeholder {" + name + "} (valid: {out}, {run}, {variant}; {{ and }} for braces)";
            on_name(name);
            i = close + 1;
        } else {
            const std::size_t next = text.find_first_of("{}", i);
            const std::size_t end = next == std::string::npos ? text.size() : next;
            on_text(text.substr(i, end - i));
            i = end;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> placeholder_error(const std::string& text) {
    return walk(text, [](const std::string&) {}, [](const std::string&) {});
}

std::string expand_placeholders(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    const auto error = walk(
        text, [&](const std::string& literal) { out += literal; },
        [&](const std::string& name) { out += values.at(name); });
    if (error) throw std::logic_error("expand_placeholders: " + *error);
    return out;
}

} // namespace detaudit
