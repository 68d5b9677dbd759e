#include "dumped_output.hpp"
#include "common/error.hpp"
#include "io/npy_reader.hpp"
#include "io/read_file.hpp"
#include "piece_walker.hpp"
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace detaudit {
namespace {

ElementReader reader_of(const StoredOutput& output) {
    return [&output](std::size_t first, std::size_t count, std::byte* dst) {
        output.read(first, count, dst);
    };
}

// A dumped file that is not an array: its bytes, in order.
DiffStats compare_dumped_bytes(const std::string& path, const StoredOutput& other) {
    std::error_code ec;
    const std::size_t size = std::filesystem::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    if (ec || !in)
        throw Error(ErrorKind::scenario,
                    path + ": cannot read the dumped output: " + std::strerror(errno));
    if (other.dtype() != DType::bytes || other.shape() != std::vector<std::size_t>{size})
        return describe_mismatch(DType::bytes, {size}, other.dtype(), other.shape());
    auto read_bytes = [&](std::size_t, std::size_t count, std::byte* dst) {
        if (!in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(count)))
            throw Error(ErrorKind::scenario,
                        path + ": the dumped output ended early while it was read");
    };
    return compare_in_pieces(DType::bytes, size, read_bytes, reader_of(other));
}

} // namespace

DiffStats compare_dumped_output(const std::string& path, const StoredOutput& other) {
    check_regular_input(path, "dumped output", false); // a FIFO would block
    if (path.ends_with(".bytes")) return compare_dumped_bytes(path, other);
    NpyFileReader file(path);
    if (file.dtype() != other.dtype() || file.shape() != other.shape())
        return describe_mismatch(file.dtype(), file.shape(), other.dtype(), other.shape());
    // A Fortran-order array (not one detaudit wrote) is transposed whole by read_npy.
    if (!file.c_order() || file.elements() == 0)
        return compare_outputs(StoredOutput(read_npy(path)), other);
    auto read_next = [&file](std::size_t, std::size_t count, std::byte* dst) {
        file.read_elements(dst, count);
    };
    return compare_in_pieces(file.dtype(), file.elements(), read_next, reader_of(other));
}

} // namespace detaudit
