// Reads numpy .npy files (format versions 1.0, 2.0, 3.0) and .npz archives of them into Buffers:
// little-endian elements in C order, whatever byte order and memory order the file used.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>
#include "common/buffer.hpp"

namespace detaudit {

namespace npy_detail {
class Source;
}

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
// The members of an .npz file one at a time, in archive order, each as a reader of its elements,
// so that no member is held whole unless the visitor asks for it (read_all). The visitor gets the
// member's name without ".npy"; each member's CRC is checked after its visit.
class NpyFileReader;
using NpzMemberVisitor = std::function<void(const std::string& name, NpyFileReader& member)>;
void for_each_npz_member(const std::string& path, const NpzMemberVisitor& visit);

// One .npy file's (or .npz member's) elements a piece at a time, so that two large files can be
// compared, or an exec output spooled, without holding either (compare/array_files,
// exec/output_files). The constructor reads and checks the header, and that the source holds the
// data it announces; errors are read_npy's.
class NpyFileReader {
public:
    explicit NpyFileReader(const std::string& path);
    // Any byte source (an .npz member: for_each_npz_member); `label` names it in errors.
    NpyFileReader(std::unique_ptr<npy_detail::Source> src, std::string label);
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
    // The whole array in C order (transposed if it was Fortran order); only before read_elements.
    Buffer read_all();

private:
    struct State;
    std::unique_ptr<State> m;
};

enum class ArrayFileKind { npy, npz };
// By content: a zip archive is an .npz, anything else is read as .npy (and fails there if it is
// not one). Throws like read_npy when the file cannot be opened.
ArrayFileKind sniff_array_file(const std::string& path);

} // namespace detaudit
