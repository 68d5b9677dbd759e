#include "npy_writer.hpp"
#include <cstdint>
#include <cstring>
#include "atomic_file.hpp"
#include "common/error.hpp"
#include "npy_layout.hpp"

namespace detaudit {
namespace {

constexpr std::size_t k_align = 64;
constexpr std::size_t k_v1_max_header = 0xffff;

std::string descr(DType dtype, ByteOrder order) {
    std::string d(numpy_descr(dtype)); // "<f4", or "|u1" where byte order does not apply
    if (order == ByteOrder::big && d[0] == '<') d[0] = '>';
    return d;
}

std::string shape_literal(const std::vector<std::size_t>& shape) {
    if (shape.size() == 1) return "(" + std::to_string(shape[0]) + ",)";
    std::string out;
    for (std::size_t d : shape) out += (out.empty() ? "" : ", ") + std::to_string(d);
    return "(" + out + ")";
}

// The dictionary padded for a prefix of `prefix_len` bytes (magic, version, length).
std::string padded(std::string dict, std::size_t prefix_len) {
    const std::size_t unpadded = prefix_len + dict.size() + 1;
    dict.append((k_align - unpadded % k_align) % k_align, ' ');
    dict += '\n';
    return dict;
}

// Whether the data must be rewritten: the buffer holds little-endian elements in C order.
bool converts(const Buffer& b, const NpyFormat& f) {
    const bool swap = f.byte_order == ByteOrder::big && dtype_size(b.dtype()) > 1;
    std::size_t non_trivial_dims = 0;
    for (std::size_t d : b.shape()) non_trivial_dims += d > 1;
    return swap || (f.memory_order == MemoryOrder::fortran && non_trivial_dims > 1);
}

// The data as the header describes it, when that is not the buffer's own bytes.
std::string converted_data(const Buffer& b, const NpyFormat& f) {
    std::string out(b.size_bytes(), '\0');
    auto* dst = reinterpret_cast<std::byte*>(out.data());
    const std::size_t width = dtype_size(b.dtype());
    if (f.memory_order == MemoryOrder::fortran && b.elements() > 0) c_to_fortran(b.data(), dst, b.shape(), width);
    else if (b.size_bytes() > 0) std::memcpy(dst, b.data(), b.size_bytes());
    if (f.byte_order == ByteOrder::big) swap_bytes(dst, out.size(), is_complex(b.dtype()) ? width / 2 : width);
    return out;
}

} // namespace

std::string_view npy_version_name(NpyVersion v) {
    switch (v) {
    case NpyVersion::automatic: return "auto";
    case NpyVersion::v1_0: return "1.0";
    case NpyVersion::v2_0: return "2.0";
    case NpyVersion::v3_0: return "3.0";
    }
    return "?";
}

std::string npy_header(const Buffer& buffer, const NpyFormat& format) {
    return npy_header(buffer.dtype(), buffer.shape(), format);
}

std::string npy_header(DType dtype, const std::vector<std::size_t>& shape, const NpyFormat& format) {
    const std::string dict = "{'descr': '" + descr(dtype, format.byte_order) + "', 'fortran_order': " +
                             (format.memory_order == MemoryOrder::fortran ? "True" : "False") +
                             ", 'shape': " + shape_literal(shape) + ", }";
    NpyVersion version = format.version;
    std::string header = padded(dict, 10);
    if (version == NpyVersion::automatic)
        version = header.size() <= k_v1_max_header ? NpyVersion::v1_0 : NpyVersion::v2_0;
    // A forced 1.0 whose header does not fit cannot be written: numpy raises here too.
    if (version == NpyVersion::v1_0 && header.size() > k_v1_max_header)
        throw Error(ErrorKind::runtime, "the .npy header of a buffer with " + std::to_string(shape.size()) +
                                            " dimensions is " + std::to_string(header.size()) +
                                            " bytes: too long for format 1.0 (at most 65535)");
    if (version != NpyVersion::v1_0) header = padded(dict, 12);
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version == NpyVersion::v1_0 ? 1 : version == NpyVersion::v2_0 ? 2 : 3);
    out += '\x00';
    const uint64_t length = header.size();
    for (std::size_t i = 0; i < (version == NpyVersion::v1_0 ? 2u : 4u); ++i)
        out += static_cast<char>((length >> (8 * i)) & 0xff);
    return out + header;
}

std::string npy_bytes(const Buffer& buffer, const NpyFormat& format) {
    std::string out = npy_header(buffer, format);
    if (converts(buffer, format)) out += converted_data(buffer, format);
    else out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size_bytes());
    return out;
}

void write_npy(const std::string& path, const Buffer& buffer, const NpyFormat& format) {
    const std::string header = npy_header(buffer, format);
    if (!converts(buffer, format)) {
        // The common case writes the buffer's own bytes: no copy of a possibly large output.
        write_file_atomically(path, {header, std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                                              buffer.size_bytes())});
        return;
    }
    const std::string data = converted_data(buffer, format);
    write_file_atomically(path, {header, data});
}

} // namespace detaudit
