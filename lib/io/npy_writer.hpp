// Writes buffers as .npy files that numpy.load reads: format 1.0, 2.0 or 3.0, either byte order,
// C or Fortran memory order (by default 1.0, little-endian, C order: the buffer's bytes as they are).
#pragma once
#include <string>
#include <string_view>
#include "common/buffer.hpp"

namespace detaudit {

// automatic: 1.0 unless the header needs more than 1.0's 16-bit length (65535 bytes), then 2.0,
// as numpy does. 3.0 differs from 2.0 only in allowing UTF-8 in the header (numpy needs it for
// non-Latin-1 field names, which plain dtypes never have), so it is written only when asked for.
enum class NpyVersion { automatic, v1_0, v2_0, v3_0 };
enum class ByteOrder { little, big };
enum class MemoryOrder { c, fortran };

struct NpyFormat {
    NpyVersion version = NpyVersion::automatic;
    ByteOrder byte_order = ByteOrder::little; // one-byte dtypes are written '|' either way
    MemoryOrder memory_order = MemoryOrder::c;
};

std::string_view npy_version_name(NpyVersion v); // "auto", "1.0", "2.0", "3.0"

// Magic, version, header length and the header dictionary, padded (with spaces, ending in '\n')
// so that the data starts at a multiple of 64 bytes, as numpy aligns it.
std::string npy_header(const Buffer& buffer, const NpyFormat& format = {});
// The header alone, for data streamed after it (a spooled array's dump).
std::string npy_header(DType dtype, const std::vector<std::size_t>& shape, const NpyFormat& format = {});
std::string npy_bytes(const Buffer& buffer, const NpyFormat& format = {}); // header + data
// Atomic write; throws detaudit::Error (runtime) on failure.
void write_npy(const std::string& path, const Buffer& buffer, const NpyFormat& format = {});

} // namespace detaudit
