#include "terminal.hpp"
#include <cstdlib>
#include <unistd.h>

namespace detaudit::app {

bool use_color(const std::string& mode) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    return ::isatty(STDOUT_FILENO) == 1;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

} // namespace detaudit::app
