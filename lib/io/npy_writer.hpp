// Writes buffers as .npy (format 1.0, little-endian, C order) that numpy.load reads.
#pragma once
#include <string>
#include "common/buffer.hpp"

namespace detaudit {

std::string npy_header(const Buffer& buffer);
std::string npy_bytes(const Buffer& buffer); // header + data
// Atomic write; throws detaudit::Error (runtime) on failure.
void write_npy(const std::string& path, const Buffer& buffer);

} // namespace detaudit
