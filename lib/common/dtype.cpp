#include "dtype.hpp"
#include <array>

namespace detaudit {
namespace {
constexpr std::array k_all = {DType::f32, DType::f64, DType::i64, DType::bool_, DType::i8,
                              DType::i16, DType::i32, DType::u8,  DType::u16,   DType::u32,
                              DType::u64, DType::f16, DType::c64, DType::c128, DType::bytes};
}

std::string_view dtype_name(DType t) {
    switch (t) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::i64: return "i64";
    case DType::bool_: return "bool";
    case DType::i8: return "i8";
    case DType::i16: return "i16";
    case DType::i32: return "i32";
    case DType::u8: return "u8";
    case DType::u16: return "u16";
    case DType::u32: return "u32";
    case DType::u64: return "u64";
    case DType::f16: return "f16";
    case DType::c64: return "c64";
    case DType::c128: return "c128";
    case DType::bytes: return "bytes";
    }
    return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
    for (DType t : k_all)
        if (dtype_name(t) == name) return t;
    return std::nullopt;
}

std::size_t dtype_size(DType t) {
    switch (t) {
    case DType::bool_:
    case DType::bytes:
    case DType::i8:
    case DType::u8: return 1;
    case DType::i16:
    case DType::u16:
    case DType::f16: return 2;
    case DType::i32:
    case DType::u32:
    case DType::f32: return 4;
    case DType::i64:
    case DType::u64:
    case DType::f64:
    case DType::c64: return 8;
    case DType::c128: return 16;
    }
    return 1;
}

bool is_float(DType t) { return t == DType::f16 || t == DType::f32 || t == DType::f64; }

bool is_complex(DType t) { return t == DType::c64 || t == DType::c128; }

bool is_signed_integer(DType t) { return t == DType::i8 || t == DType::i16 || t == DType::i32 || t == DType::i64; }

bool is_integer(DType t) {
    return is_signed_integer(t) || t == DType::u8 || t == DType::u16 || t == DType::u32 || t == DType::u64;
}

std::string_view numpy_descr(DType t) {
    switch (t) {
    case DType::f32: return "<f4";
    case DType::f64: return "<f8";
    case DType::i64: return "<i8";
    case DType::bool_: return "|b1";
    case DType::i8: return "|i1";
    case DType::i16: return "<i2";
    case DType::i32: return "<i4";
    case DType::u8: return "|u1";
    case DType::u16: return "<u2";
    case DType::u32: return "<u4";
    case DType::u64: return "<u8";
    case DType::f16: return "<f2";
    case DType::c64: return "<c8";
    case DType::c128: return "<c16";
    case DType::bytes: return "|V1";
    }
    return "|V1";
}

} // namespace detaudit
