// Escaping text from scenarios and programs (ids, variant names, reasons, program output) before
// it goes into Markdown or HTML, so a name can neither break a table nor inject markup.
#pragma once
#include <string>
#include <string_view>

namespace detaudit {

// & < > " ' as character references.
std::string escape_html(std::string_view text);

// For Markdown text and table cells (GitHub-flavoured): HTML-escaped, then ASCII punctuation that
// Markdown reads backslash-escaped; line breaks become spaces.
std::string escape_markdown(std::string_view text);

} // namespace detaudit
