// Correctly rounded values of the elementwise op's functions from MPFR (docs/algorithms.md,
// "Accuracy"): the exact function, rounded once to f32 or f64 (to nearest, ties to even, with
// subnormals and overflow as IEEE defines them).
#pragma once
#include <string>
#include <vector>
#include "common/buffer.hpp"

namespace detaudit {

// out[i] = f(x[i]) (pow: x[i]^y[i]); inputs and out are f32 or f64 alike. The library functions
// and rsqrt are MPFR's correctly rounded ones; sigmoid and gelu (no MPFR function) are evaluated
// with 256-bit intermediates and rounded once.
void elementwise_reference(const std::string& function, const std::vector<Buffer>& inputs, Buffer& out);
// One value, for tests: the same as elementwise_reference on one element.
double mpfr_correctly_rounded(const std::string& function, double x, double y, bool single);

} // namespace detaudit
