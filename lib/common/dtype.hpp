// Element types of buffers: names as written in scenarios, sizes, numpy descriptors.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace detaudit {

enum class DType { f32, f64, i64 }; // i64: index inputs (scatter_add)

std::string_view dtype_name(DType t);          // "f32"
std::optional<DType> parse_dtype(std::string_view name);
std::size_t dtype_size(DType t);
bool is_float(DType t);
std::string_view numpy_descr(DType t);          // "<f4"

} // namespace detaudit
