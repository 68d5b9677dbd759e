#include "scenario_digest.hpp"
#include <span>
#include "compare/digest.hpp"

namespace detaudit {
namespace {

nlohmann::json expectations_json(const std::map<std::string, Expectation>& expect) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [axis, e] : expect)
        if (axis != k_axis_baseline) j[axis] = e.to_json(); // judges another report, not this scenario's cells
    return j;
}

nlohmann::json operation_json(const OpSpec& op) {
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto& [pattern, expect] : op.output_expect)
        outputs.push_back({{"pattern", pattern}, {"expect", expectations_json(expect)}});
    return {{"id", op.id},         {"kind", op.kind},         {"algorithm", op.algorithm},
            {"params", op.params}, {"runs", op.runs},         {"backends", op.backends},
            {"seed", op.seed},     {"expect", expectations_json(op.expect)}, {"output_expect", outputs}};
}

} // namespace

nlohmann::json normalized_scenario(const Scenario& scenario) {
    nlohmann::json vary = nlohmann::json::array();
    for (const auto& axis : scenario.vary) vary.push_back({{"axis", axis.name}, {"values", axis.values}});
    nlohmann::json operations = nlohmann::json::array();
    for (const auto& op : scenario.operations) operations.push_back(operation_json(op));
    return {{"name", scenario.name},
            {"seed", scenario.seed},
            {"runs", scenario.runs},
            {"backends", scenario.backends},
            {"vary_mode", scenario.vary_product ? "product" : "one_at_a_time"},
            {"vary", vary},
            {"operations", operations}};
}

std::string scenario_digest(const Scenario& scenario) {
    const std::string text = normalized_scenario(scenario).dump();
    return digest_bytes(std::as_bytes(std::span(text.data(), text.size())));
}

} // namespace detaudit
