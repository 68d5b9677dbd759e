// Warnings about a scenario that is valid but does not do what it seems to (an axis no operation
// reads), shared by `validate` and `run`; --strict makes them errors.
#include <iostream>
#include "commands.hpp"
#include "common/error.hpp"
#include "scenario/axis_use.hpp"

namespace detaudit::app {

void warn_unused_axes(const Scenario& scenario, bool strict) {
    for (const auto& warning : unused_axis_warnings(scenario)) {
        if (strict) throw Error(ErrorKind::scenario, warning + " (an error with --strict)");
        std::cerr << "detaudit: warning: " << warning << "\n";
    }
}

} // namespace detaudit::app
