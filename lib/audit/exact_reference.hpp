// Accuracy references computed on the host from an op's inputs (docs/algorithms.md, "Accuracy"):
// reduce and scatter_add: the correctly rounded exact sum (of each bin); matmul: each element's
// exactly rounded dot product (kernels/common/exact_sum.hpp, exact_dot.hpp); elementwise: the
// correctly rounded function value from MPFR (mpfr_reference.cpp).
#pragma once
#include "backends/backend.hpp"

namespace detaudit {

// The reference output of `op` (its dtype and shape) for these inputs. Throws a runtime Error
// for a kind without a reference (the scenario parser refuses those first).
Buffer exact_reference(const OpSpec& op, const OpInputs& inputs);

} // namespace detaudit
