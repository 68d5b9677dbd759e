#include "dtype.hpp"

namespace detaudit {

std::string_view dtype_name(DType t) {
    switch (t) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::i64: return "i64";
    }
    return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
    if (name == "f32") return DType::f32;
    if (name == "f64") return DType::f64;
    if (name == "i64") return DType::i64;
    return std::nullopt;
}

std::size_t dtype_size(DType t) { return t == DType::f32 ? 4 : 8; }

bool is_float(DType t) { return t != DType::i64; }

std::string_view numpy_descr(DType t) {
    switch (t) {
    case DType::f32: return "<f4";
    case DType::f64: return "<f8";
    case DType::i64: return "<i8";
    }
    return "|V1";
}

} // namespace detaudit
