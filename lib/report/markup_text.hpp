// Escaping text from scenarios and programs (ids, variant names, reasons, program output) before
// it goes into Markdown or HTML, so a name can neither break a table nor inject markup.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace detaudit {

// & < > " ' as character references.
std::string escape_html(std::string_view text);

// For Markdown text and table cells (GitHub-flavoured): HTML-escaped, then ASCII punctuation that
// Markdown reads backslash-escaped; line breaks become spaces.
std::string escape_markdown(std::string_view text);

// The leaves of a JSON object as (dotted key, text) pairs in document order, for the environment
// tables: strings as they are, other values as compact JSON (invalid UTF-8 replaced).
std::vector<std::pair<std::string, std::string>> json_leaves(const nlohmann::json& j);

} // namespace detaudit
