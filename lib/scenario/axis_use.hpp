// Varied axes that no operation reads: with cpu.threads next to only exec operations, no cell runs
// with its values, and the scenario's author believes a setting was audited that never was.
#pragma once
#include <string>
#include <vector>
#include "scenario.hpp"

namespace detaudit {

// One line per varied axis whose backend runs no operation of `s`:
// "FILE: /vary/cpu.threads: applies to no operation: ...".
std::vector<std::string> unused_axis_warnings(const Scenario& s);

// The backends some operation of `s` runs on (cpu, cuda, host).
std::vector<std::string> used_backends(const Scenario& s);

} // namespace detaudit
