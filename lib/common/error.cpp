#include "error.hpp"

namespace detaudit {

int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::scenario: return exit_code::k_bad_input;
    case ErrorKind::runtime: return exit_code::k_execution_failed;
    }
    return exit_code::k_execution_failed;
}

} // namespace detaudit
