// Terminal decisions shared by commands: colour (--color, NO_COLOR) and whether stderr shows progress.
#pragma once
#include <string>

namespace detaudit::app {

// mode: "auto" | "always" | "never". auto: stdout is a terminal and NO_COLOR is unset or empty.
bool use_color(const std::string& mode);
bool stderr_is_terminal();

} // namespace detaudit::app
