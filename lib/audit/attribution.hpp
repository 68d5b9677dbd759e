// Attribution: which variation axis changes an op's results on each backend, by how much, and
// which differences only appear when axes change together (product mode).
#pragma once
#include <vector>
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

// Fills op.attribution from op.cells and op.across_variants. `variants` gives base values.
void attribute(OperationReport& op, const std::vector<Variant>& variants);

} // namespace detaudit
