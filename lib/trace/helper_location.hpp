// Where the Python trace helper (detaudit_trace.py) is, for `detaudit env`.
#pragma once
#include <string>

namespace detaudit::trace {

// The installed copy beside the binary (<prefix>/share/detaudit/python/detaudit_trace.py), else the
// source tree's python/ (a build tree), else "" when neither exists.
std::string trace_helper_path();

} // namespace detaudit::trace
