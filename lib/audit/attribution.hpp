// Attribution: which variation axis changes an op's results on each backend, by how much, and
// which differences only appear when axes change together (product mode).
#pragma once
#include <cstddef>
#include <vector>
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

// Fisher's exact test, one-sided: the probability, were both cells' runs to differ equally
// often, of the variant's cell showing `differing` or more of its `compared` runs differing
// given the base's `base_differing` of `base_compared`. Below 0.05, attribution says the setting
// makes runs differ more often.
double more_often_p_value(std::size_t differing, std::size_t compared, std::size_t base_differing,
                          std::size_t base_compared);

// Fills op.attribution from op.cells and op.across_variants. `variants` gives base values.
void attribute(OperationReport& op, const std::vector<Variant>& variants);

} // namespace detaudit
