#include "shared_data.hpp"
#include <map>

namespace detaudit {
namespace {

// The parameters that decide an op's generated inputs (lib/audit/inputs.cpp reads these).
const char* const k_input_params[] = {"dtype", "input", "n", "m", "k", "bins", "index", "exponent"};

std::string with_article(const std::string& word) {
    return (std::string("aeiou").find(word.front()) == std::string::npos ? "a " : "an ") + word;
}

std::string describe_op(const OpSpec& op) { return op.pointer + " (\"" + op.id + "\")"; }

void check_same_inputs(const OpSpec& first, const OpSpec& op, const ScenarioErrors& errors) {
    const std::string where = child_pointer(op.pointer, "data");
    const std::string head = "shares data \"" + op.data + "\" with " + describe_op(first) + ", but ";
    if (op.kind != first.kind)
        errors.fail(where, head + "is " + with_article(op.kind) + " operation and that one " + with_article(first.kind));
    if (op.seed != first.seed)
        errors.fail(where, head + "their seeds differ (" + std::to_string(op.seed) + " vs " + std::to_string(first.seed) + ")");
    for (const char* param : k_input_params) {
        const auto mine = op.params.value(param, nlohmann::json()), theirs = first.params.value(param, nlohmann::json());
        if (mine != theirs)
            errors.fail(where, head + "`" + param + "` differs (" + describe_json(mine) + " vs " + describe_json(theirs) +
                                   "): ops sharing data need the same kind, shape and inputs");
    }
}

} // namespace

bool has_accuracy_reference(const std::string& kind) {
    return kind == "reduce" || kind == "scatter_add" || kind == "matmul" || kind == "elementwise";
}

void check_shared_data(const Scenario& scenario, const ScenarioErrors& errors) {
    std::map<std::string, const OpSpec*> first_of;
    std::map<std::string, int> users;
    for (const auto& op : scenario.operations) {
        if (op.data.empty()) continue;
        ++users[op.data];
        auto [it, inserted] = first_of.emplace(op.data, &op);
        if (!inserted) check_same_inputs(*it->second, op, errors);
    }
    for (const auto& op : scenario.operations) {
        if (!op.across_algorithms) continue;
        if (op.data.empty())
            errors.fail(child_pointer(child_pointer(op.pointer, "expect"), "across_algorithms"),
                        "compares ops sharing data, but " + describe_op(op) + " has no \"data\"");
        if (users[op.data] < 2)
            errors.fail(child_pointer(child_pointer(op.pointer, "expect"), "across_algorithms"),
                        "no other op shares data \"" + op.data + "\" with " + describe_op(op));
    }
}

} // namespace detaudit
