// The placeholders of an `exec` op's command and environment: {out} (the run's fresh output
// directory), {run} (the run number) and {variant} (the variant's name). Nothing else is touched,
// so code with braces (python -c "...{k}...") needs no escaping; {{out}} writes a literal {out}.
#pragma once
#include <map>
#include <string>

namespace detaudit {

// Does `text` hold a placeholder ({out}, {run} or {variant}, not doubled)?
bool has_placeholder(const std::string& text);
// `text` with each placeholder replaced by its value in `values` (keys "out", "run", "variant").
std::string expand_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

} // namespace detaudit
