// Reads numpy .npy files (format versions 1.0, 2.0, 3.0) and .npz archives of them into Buffers:
// little-endian elements in C order, whatever byte order and memory order the file used.
#pragma once
#include <cstddef>
#include <memory>
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

// One .npy file's elements a piece at a time, so that two large files can be compared without
// holding either (compare/array_files). The constructor reads and checks the header, and that the
// file holds the data it announces; errors are read_npy's.
class NpyFileReader {
public:
    explicit NpyFileReader(const std::string& path);
    ~NpyFileReader();
    NpyFileReader(const NpyFileReader&) = delete;
    NpyFileReader& operator=(const NpyFileReader&) = delete;

    DType dtype() const;
    const std::vector<std::size_t>& shape() const;
    std::size_t elements() const;
    // Whether read_elements gives C order. False for a Fortran-order array with two or more
    // dimensions longer than 1: read_npy transposes those whole.
    bool c_order() const;
    // The next (up to) `count` elements, little-endian, into `dst`; returns how many (0 at the end).
    std::size_t read_elements(std::byte* dst, std::size_t count);

private:
    struct State;
    std::unique_ptr<State> m;
};

enum class ArrayFileKind { npy, npz };
// By content: a zip archive is an .npz, anything else is read as .npy (and fails there if it is
// not one). Throws like read_npy when the file cannot be opened.
ArrayFileKind sniff_array_file(const std::string& path);

} // namespace detaudit
