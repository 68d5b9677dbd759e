// The one walk over two large arrays a piece at a time, for every streamed comparison: exec
// outputs spooled to files (stored_output), two .npy files (`detaudit compare`, array_files) and
// an output against a dumped baseline reference (`run --baseline-dumps`). Memory stays at two
// pieces however long the arrays are; the statistics are compare_buffers' of the whole arrays.
#pragma once
#include "diff_stats.hpp"
#include <cstddef>
#include <functional>

namespace detaudit {

// Reads elements [first, first + count) of one array, little-endian, into `dst`. The walker asks
// for consecutive ranges from 0 up, so a sequential file reader serves as well as a random one.
// Both pieces stay in L2 between reading, hashing and comparing. Reading both arrays whole into
// fresh Buffers (faulted in and zeroed 4 KiB at a time, then streamed again by the comparison)
// was 8x slower on two 1 GiB files (docs/performance.md).
inline constexpr std::size_t k_piece_bytes = std::size_t{256} << 10;

using ElementReader = std::function<void(std::size_t first, std::size_t count, std::byte* dst)>;

// compare_buffers of two arrays of `elements` elements of `dtype` (same shape, C order) that are
// read through `reference` and `other` a 256 KiB piece at a time: both pieces are still in L2
// when they are compared. `on_other_piece`, if set, sees each piece of `other` (its digest).
DiffStats
compare_in_pieces(DType dtype, std::size_t elements, const ElementReader& reference,
                  const ElementReader& other,
                  const std::function<void(const Buffer& other_piece)>& on_other_piece = {});

} // namespace detaudit
