// The placeholders of an `exec` op's command and environment: {out} (the run's fresh output
// directory), {run} (the run number), {variant} (the variant's name); {{ and }} are literal braces.
#pragma once
#include <map>
#include <optional>
#include <string>

namespace detaudit {

// Why `text` is not a valid template (an unknown name, an unclosed brace), or nothing.
std::optional<std::string> placeholder_error(const std::string& text);
// `text` with every placeholder replaced by its value in `values`. `text` must be valid.
std::string expand_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

} // namespace detaudit
