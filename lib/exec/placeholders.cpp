#include "placeholders.hpp"

namespace detaudit {
namespace {

const char* const k_names[] = {"out", "run", "variant"};

// Walks `text`: on_name for each placeholder, on_text for everything else (a doubled
// placeholder, {{out}}, as its single-braced text).
template <typename Text, typename Name> void walk(const std::string& text, Text&& on_text, Name&& on_name) {
    std::size_t literal_from = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') continue;
        for (const char* n : k_names) {
            const std::string name = n;
            const std::string single = "{" + name + "}";
            const std::string doubled = "{" + single + "}";
            if (text.compare(i, doubled.size(), doubled) == 0) {
                on_text(text.substr(literal_from, i - literal_from) + single);
                i += doubled.size() - 1;
                literal_from = i + 1;
                break;
            }
            if (text.compare(i, single.size(), single) == 0) {
                on_text(text.substr(literal_from, i - literal_from));
                on_name(name);
                i += single.size() - 1;
                literal_from = i + 1;
                break;
            }
        }
    }
    on_text(text.substr(literal_from));
}

} // namespace

bool has_placeholder(const std::string& text) {
    bool found = false;
    walk(text, [](const std::string&) {}, [&](const std::string&) { found = true; });
    return found;
}

std::string expand_placeholders(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    walk(text, [&](const std::string& literal) { out += literal; }, [&](const std::string& name) { out += values.at(name); });
    return out;
}

} // namespace detaudit
