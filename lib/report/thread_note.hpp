// The console's note when OpenMP gave cpu cells fewer threads than cpu.threads asked for: those
// cells did not test the setting they are named after.
#pragma once
#include <string>
#include "report.hpp"

namespace detaudit {

// "note: ...\n", or "" when every cell got the threads it asked for.
std::string thread_shortfall_note(const AuditReport& report);

} // namespace detaudit
