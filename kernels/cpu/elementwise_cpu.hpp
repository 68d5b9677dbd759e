// CPU elementwise math for the `elementwise` op: out[i] = f(x[i]) (pow: f(x[i], y[i])) with the
// platform C library (`libm` algorithm). kernels/cuda mirrors the names.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>
#include "cpu_settings.hpp"
#include "../common/op_enums.hpp"

namespace detaudit::kernels {

std::optional<ElementwiseFunction> parse_elementwise_function(std::string_view name);
std::string_view elementwise_function_name(ElementwiseFunction f);
const std::vector<std::string_view>& elementwise_function_names();

// `y` is the exponent array for pow and ignored (may be null) otherwise.
template <typename T>
void elementwise_libm(ElementwiseFunction f, const T* x, const T* y, T* out, std::size_t n, const CpuSettings& s);

} // namespace detaudit::kernels
