// Reads numpy .npy files (format versions 1.0, 2.0, 3.0) and .npz archives of them into Buffers:
// little-endian elements in C order, whatever byte order and memory order the file used.
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <vector>
#include "common/buffer.hpp"

namespace detaudit {

struct NamedBuffer {
    std::string name; // an .npz member's name without ".npy"
    Buffer buffer;
};

// Every failure (unreadable file, bad magic, unsupported version, malformed header, object or
// structured dtype, truncated data, sizes that overflow) throws detaudit::Error (scenario, exit 2)
// with one line that starts with `label` or the path.

// A whole .npy file already in memory; `label` names it in errors.
Buffer parse_npy(std::span<const std::byte> bytes, const std::string& label);
Buffer read_npy(const std::string& path);
// The .npy members of a zip archive (stored or deflated), in archive order.
std::vector<NamedBuffer> read_npz(const std::string& path);
// A whole .npz archive already in memory (the bytes are only borrowed); `label` names it.
std::vector<NamedBuffer> parse_npz(std::span<const std::byte> bytes, const std::string& label);

enum class ArrayFileKind { npy, npz };
// By content: a zip archive is an .npz, anything else is read as .npy (and fails there if it is
// not one). Throws like read_npy when the file cannot be opened.
ArrayFileKind sniff_array_file(const std::string& path);

} // namespace detaudit
