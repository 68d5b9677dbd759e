#include "scenario.hpp"
#include <cmath>
#include <cstdint>
#include "exec/output_files.hpp"

namespace detaudit {

const std::vector<std::string>& comparison_axes() {
    static const std::vector<std::string> axes = {k_axis_run_to_run, k_axis_across_variants,
                                                  k_axis_cross_backend};
    return axes;
}

nlohmann::json Expectation::to_json() const {
    switch (kind) {
    case Kind::identical: return "identical";
    case Kind::differs: return "differs";
    case Kind::any: return "any";
    case Kind::tolerance: {
        nlohmann::json t = nlohmann::json::object();
        if (max_ulp) t["max_ulp"] = static_cast<uint64_t>(*max_ulp);
        // As written: a whole-number bound reads 0, not 0.0 (the JSON report and the console).
        const auto number = [](double v) -> nlohmann::json {
            if (std::trunc(v) == v && std::fabs(v) < 9007199254740992.0) return static_cast<int64_t>(v);
            return v;
        };
        if (max_abs) t["max_abs"] = number(*max_abs);
        if (max_rel) t["max_rel"] = number(*max_rel);
        return t;
    }
    }
    return "any";
}

Expectation effective_expectation(const OpSpec& op, const std::string& axis, bool strict) {
    if (auto it = op.expect.find(axis); it != op.expect.end()) return it->second;
    Expectation e;
    e.kind = strict || axis == k_axis_run_to_run ? Expectation::Kind::identical : Expectation::Kind::any;
    return e;
}

} // namespace detaudit

namespace detaudit {

Expectation effective_expectation(const OpSpec& op, const std::string& axis, bool strict, const std::string& output) {
    if (!output.empty() && !op.output_expect.empty()) {
        for (const auto& [pattern, expect] : op.output_expect) {
            if (!pattern_matches_output(pattern, output)) continue;
            if (auto it = expect.find(axis); it != expect.end()) return it->second;
        }
    }
    return effective_expectation(op, axis, strict);
}

} // namespace detaudit
