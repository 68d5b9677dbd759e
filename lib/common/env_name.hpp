// What may name an environment variable in a scenario (env axes, exec's env): POSIX's portable
// names, letters, digits and '_', not starting with a digit.
#pragma once
#include <string>

namespace detaudit {

bool is_env_name(const std::string& name);

} // namespace detaudit
