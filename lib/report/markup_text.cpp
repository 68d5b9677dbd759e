#include "report/markup_text.hpp"

namespace detaudit {

namespace {

// The character reference HTML needs for `c`, or nullptr.
const char* html_reference(char c) {
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return nullptr;
    }
}

// ASCII punctuation Markdown would read as markup.
bool markdown_punctuation(char c) { return std::string_view("\\`*_[]|#~$").find(c) != std::string_view::npos; }

void add_leaves(const nlohmann::json& j, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
    if (j.is_object() && !j.empty()) {
        for (const auto& item : j.items())
            add_leaves(item.value(), prefix.empty() ? item.key() : prefix + "." + item.key(), out);
        return;
    }
    out.emplace_back(prefix, j.is_string() ? j.get<std::string>()
                                           : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

} // namespace

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text)
        if (const char* reference = html_reference(c)) out += reference;
        else out += c;
    return out;
}

std::string escape_markdown(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const char* reference = c == '"' || c == '\'' ? nullptr : html_reference(c); // quotes are plain text here
        if (reference) {
            out += reference;
        } else if (markdown_punctuation(c)) {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' '; // line breaks and other control characters would reach the step summary raw
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> json_leaves(const nlohmann::json& j) {
    std::vector<std::pair<std::string, std::string>> out;
    add_leaves(j, "", out);
    return out;
}

} // namespace detaudit
