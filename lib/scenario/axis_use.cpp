#include "axis_use.hpp"
#include <algorithm>
#include <set>
#include "axes.hpp"
#include "common/json_path.hpp"

namespace detaudit {

std::vector<std::string> used_backends(const Scenario& s) {
    std::set<std::string> used;
    for (const auto& op : s.operations) used.insert(op.backends.begin(), op.backends.end());
    return {used.begin(), used.end()};
}

std::vector<std::string> unused_axis_warnings(const Scenario& s) {
    const std::vector<std::string> used = used_backends(s);
    std::vector<std::string> warnings;
    for (const auto& axis : s.vary) {
        const AxisSpec* spec = find_axis(axis.name);
        if (spec == nullptr || spec->backend == k_every_backend ||
            std::find(used.begin(), used.end(), spec->backend) != used.end())
            continue;
        std::string runs_on;
        for (const auto& b : used) runs_on += (runs_on.empty() ? "" : ", ") + b;
        const std::string what = spec->backend == "host" ? "exec operations (backend host)" : spec->backend + " operations";
        warnings.push_back(s.path + ": " + child_pointer("/vary", axis.name) + ": applies to no operation: " + axis.name +
                           " is read by " + what + ", and this scenario's operations run on " + runs_on +
                           " only, so no cell runs with its values");
    }
    return warnings;
}

} // namespace detaudit
