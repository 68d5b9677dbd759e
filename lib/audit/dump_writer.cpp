#include "dump_writer.hpp"
#include <algorithm>
#include <filesystem>
#include "cell_outputs.hpp"
#include "io/atomic_file.hpp"
#include "io/npy_writer.hpp"

namespace fs = std::filesystem;

namespace detaudit {

void DumpWriter::write(const OpSpec& op, const std::string& sub, const Buffer& b) const {
    if (m_dump_dir.empty()) return;
    const std::string path = (fs::path(m_dump_dir) / op.id / sub).string();
    fs::create_directories(fs::path(path).parent_path());
    if (b.dtype() == DType::bytes)
        write_file_atomically(path + ".bytes", std::string(reinterpret_cast<const char*>(b.data()), b.size_bytes()));
    else
        write_npy(path + ".npy", b);
}

void DumpWriter::write(const OpSpec& op, const std::string& sub, const StoredOutput& output) const {
    if (output.in_memory()) return write(op, sub, output.buffer());
    if (m_dump_dir.empty()) return;
    const std::string path = (fs::path(m_dump_dir) / op.id / sub).string();
    fs::create_directories(fs::path(path).parent_path());
    const bool bytes = output.dtype() == DType::bytes;
    write_file_atomically(path + (bytes ? ".bytes" : ".npy"), [&](const PieceWriter& write) {
        if (!bytes) write(npy_header(output.dtype(), output.shape()));
        const std::size_t width = dtype_size(output.dtype());
        const std::size_t per_piece = std::max<std::size_t>(1, (std::size_t{1} << 20) / width);
        std::vector<std::byte> piece(std::min(per_piece, output.elements()) * width);
        for (std::size_t first = 0; first < output.elements(); first += per_piece) {
            const std::size_t count = std::min(per_piece, output.elements() - first);
            output.read(first, count, piece.data());
            write(std::string_view(reinterpret_cast<const char*>(piece.data()), count * width));
        }
    });
}

std::string DumpWriter::cell_dir(const std::string& backend, const Variant& variant, const std::string& output) {
    std::string dir = backend + "/" + path_safe(variant.name) + "/";
    if (!output.empty()) dir += path_safe(output) + "/";
    return dir;
}

} // namespace detaudit
