// Enums that name what an op computes, shared by kernels/cpu and kernels/cuda (neither includes
// the other: CUTLASS-style mirrors meet only in kernels/common).
#pragma once

namespace detaudit::kernels {

enum class Distribution { uniform, normal };

enum class ElementwiseFunction { exp, log, log1p, expm1, sin, cos, tan, tanh, erf, pow, sqrt, rsqrt, sigmoid, gelu };

} // namespace detaudit::kernels
