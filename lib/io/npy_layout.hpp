// Element layout conversions shared by the .npy reader and writer: byte swapping and C <-> Fortran
// memory order.
#pragma once
#include <cstddef>
#include <vector>

namespace detaudit {

// Reverses the bytes of each `part`-byte number in place (complex numbers: pass the size of one
// part, since numpy swaps the real and imaginary parts each on its own).
void swap_bytes(std::byte* data, std::size_t bytes, std::size_t part);

// Column-major (first index fastest) to row-major (last index fastest) and back, for elements of
// `width` bytes; `src` and `dst` must not overlap and hold the product of `shape` elements.
void fortran_to_c(const std::byte* src, std::byte* dst, const std::vector<std::size_t>& shape, std::size_t width);
void c_to_fortran(const std::byte* src, std::byte* dst, const std::vector<std::size_t>& shape, std::size_t width);

} // namespace detaudit
