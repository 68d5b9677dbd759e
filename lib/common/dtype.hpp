// Element types of buffers: names as written in scenarios, sizes, numpy descriptors.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace detaudit {

// f32, f64: op outputs; i64: index inputs (scatter_add). The rest are what .npy files may hold
// (io/npy_reader): bool_ is numpy's one-byte bool; f16 is IEEE binary16; c64/c128 are complex
// numbers stored as (real, imaginary) pairs of f32/f64. bytes: a file that is not an array (an
// `exec` output such as metrics.json), compared byte by byte.
enum class DType { f32, f64, i64, bool_, i8, i16, i32, u8, u16, u32, u64, f16, c64, c128, bytes };

std::string_view dtype_name(DType t);          // "f32", "bool", "u16", "c64"
std::optional<DType> parse_dtype(std::string_view name);
std::size_t dtype_size(DType t);               // bytes per element (c64: 8)
bool is_float(DType t);                        // real floating point: f16, f32, f64
bool is_complex(DType t);                      // c64, c128
bool is_integer(DType t);                      // signed or unsigned integers (not bool)
bool is_signed_integer(DType t);
std::string_view numpy_descr(DType t);          // "<f4", "|u1", "|b1"

} // namespace detaudit
