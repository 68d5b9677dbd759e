// The scenario's "accuracy" and "data" rules that span operations: which kinds have an accuracy
// reference, and that ops sharing a data name would get the same inputs (docs/scenario-format.md).
#pragma once
#include <string>
#include "common/json_path.hpp"
#include "scenario.hpp"

namespace detaudit {

// reduce, scatter_add, matmul and elementwise: the kinds lib/audit/accuracy.cpp has a reference for.
bool has_accuracy_reference(const std::string& kind);
// Ops with one data name need the same kind, seed and input parameters (dtype, shape, input
// distributions); expect.across_algorithms needs another op sharing the data. Fails naming both ops.
void check_shared_data(const Scenario& scenario, const ScenarioErrors& errors);

} // namespace detaudit
