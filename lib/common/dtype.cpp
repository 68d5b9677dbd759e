#include "dtype.hpp"

namespace detaudit {

std::string_view dtype_name(DType t) { return t == DType::f32 ? "f32" : "f64"; }

std::optional<DType> parse_dtype(std::string_view name) {
    if (name == "f32") return DType::f32;
    if (name == "f64") return DType::f64;
    return std::nullopt;
}

std::size_t dtype_size(DType t) { return t == DType::f32 ? 4 : 8; }

std::string_view numpy_descr(DType t) { return t == DType::f32 ? "<f4" : "<f8"; }

} // namespace detaudit
