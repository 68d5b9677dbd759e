#include "backends/backend.hpp"
#include "commands.hpp"

#ifndef DETAUDIT_VERSION
#define DETAUDIT_VERSION "0.0.0"
#endif

namespace detaudit::app {

std::string version_text() {
    std::string backends;
    for (const auto& b : compiled_backend_names()) backends += (backends.empty() ? "" : ", ") + b;
    return std::string("detaudit ") + DETAUDIT_VERSION + " (backends: " + backends + ")";
}

} // namespace detaudit::app
