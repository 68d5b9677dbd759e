#include "npy_writer.hpp"
#include "atomic_file.hpp"

namespace detaudit {

std::string npy_header(const Buffer& buffer) {
    std::string shape;
    if (buffer.shape().size() == 1) {
        shape = "(" + std::to_string(buffer.shape()[0]) + ",)";
    } else {
        for (std::size_t d : buffer.shape()) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
        shape = "(" + shape + ")";
    }
    std::string dict = "{'descr': '" + std::string(numpy_descr(buffer.dtype())) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + length (2) + dict + '\n' is padded to a multiple of 64.
    const std::size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(dict.size() & 0xff);
    out += static_cast<char>((dict.size() >> 8) & 0xff);
    return out + dict;
}

std::string npy_bytes(const Buffer& buffer) {
    std::string out = npy_header(buffer);
    out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size_bytes());
    return out;
}

void write_npy(const std::string& path, const Buffer& buffer) {
    const std::string header = npy_header(buffer);
    write_file_atomically(path, {header, std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                                          buffer.size_bytes())});
}

} // namespace detaudit
