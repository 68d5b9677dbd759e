// Console sections for issue 13's context: "Accuracy" (each cell's error against its op's exact
// reference, next to its run-to-run spread) and "Across algorithms" (ops sharing "data").
#pragma once
#include <string>
#include "report/report.hpp"

namespace detaudit {

// "Accuracy" lines for ops with "accuracy": true, or "".
std::string render_accuracy(const AuditReport& report);
// "Across algorithms" lines for ops sharing data, or "".
std::string render_across_algorithms(const AuditReport& report);
// Both, escaped for the terminal, each after a blank line (as the console prints them), or "".
std::string render_accuracy_sections(const AuditReport& report);

} // namespace detaudit
