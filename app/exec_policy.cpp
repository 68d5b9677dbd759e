// --no-exec: scenarios from elsewhere may be checked and run without running their programs.
#include "commands.hpp"
#include "common/error.hpp"

namespace detaudit::app {

void refuse_exec(const Scenario& scenario) {
    for (const auto& op : scenario.operations)
        if (op.kind == "exec")
            throw Error(ErrorKind::usage, scenario.path + ": " + op.pointer + ": exec operation \"" + op.id +
                                              "\" would run an external program, refused by --no-exec");
}

} // namespace detaudit::app
