#include "report/report_text.hpp"

namespace detaudit {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::size_t skip_space(std::string_view t, std::size_t i) {
    while (i < t.size() && is_space(t[i]))
        ++i;
    return i;
}

// `i` at a string's opening quote: the index after its closing quote.
std::size_t skip_string(std::string_view t, std::size_t i) {
    for (++i; i < t.size(); ++i) {
        if (t[i] == '\\')
            ++i;
        else if (t[i] == '"')
            return i + 1;
    }
    return t.size();
}

// `i` at a value's first character: the index after its last.
std::size_t skip_value(std::string_view t, std::size_t i) {
    if (i >= t.size()) return i;
    if (t[i] == '"') return skip_string(t, i);
    if (t[i] != '{' && t[i] != '[') {
        while (i < t.size() && !is_space(t[i]) && t[i] != ',' && t[i] != ']' && t[i] != '}')
            ++i;
        return i;
    }
    std::size_t depth = 0;
    while (i < t.size()) {
        const char c = t[i];
        if (c == '"') {
            i = skip_string(t, i);
            continue;
        }
        if (c == '{' || c == '[')
            ++depth;
        else if ((c == '}' || c == ']') && --depth == 0)
            return i + 1;
        ++i;
    }
    return i;
}

// `i` at an array's '[': its elements.
std::optional<std::vector<std::string_view>> array_elements(std::string_view t, std::size_t i) {
    std::vector<std::string_view> elements;
    i = skip_space(t, i + 1);
    if (i < t.size() && t[i] == ']') return elements;
    while (i < t.size()) {
        const std::size_t end = skip_value(t, i);
        elements.push_back(t.substr(i, end - i));
        i = skip_space(t, end);
        if (i >= t.size()) break;
        if (t[i] == ']') return elements;
        if (t[i] != ',') break;
        i = skip_space(t, i + 1);
    }
    return std::nullopt;
}

} // namespace

std::optional<std::vector<std::string_view>> operation_texts(std::string_view text) {
    std::size_t i = skip_space(text, 0);
    if (i >= text.size() || text[i] != '{') return std::nullopt;
    std::optional<std::vector<std::string_view>> found; // the last one, as the parser keeps it
    i = skip_space(text, i + 1);
    while (i < text.size() && text[i] == '"') {
        const std::size_t key_end = skip_string(text, i);
        const std::string_view key = text.substr(i, key_end - i);
        i = skip_space(text, key_end);
        if (i >= text.size() || text[i] != ':') return std::nullopt;
        i = skip_space(text, i + 1);
        const std::size_t value_end = skip_value(text, i);
        if (key == "\"operations\"") {
            if (i >= text.size() || text[i] != '[') return std::nullopt;
            found = array_elements(text, i);
            if (!found) return std::nullopt;
        }
        i = skip_space(text, value_end);
        if (i < text.size() && text[i] == ',') i = skip_space(text, i + 1);
    }
    return found;
}

} // namespace detaudit
