// detaudit::Error: one clear line for the user, and a kind the app maps to an exit code.
#pragma once
#include <stdexcept>
#include <string>

namespace detaudit {

enum class ErrorKind {
    usage,    // bad flags or arguments (exit 2)
    scenario, // invalid scenario or unreadable input (exit 2)
    runtime,  // an operation failed to execute (exit 4)
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

private:
    ErrorKind m_kind;
};

// Exit codes of DESIGN.md §7.
namespace exit_code {
constexpr int k_ok = 0;
constexpr int k_expectation_failed = 1;
constexpr int k_bad_input = 2;
constexpr int k_required_backend_unavailable = 3;
constexpr int k_execution_failed = 4;
constexpr int k_interrupted = 130;
} // namespace exit_code

int exit_code_for(ErrorKind kind);

} // namespace detaudit
