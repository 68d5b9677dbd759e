#include "dump_writer.hpp"
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

std::string DumpWriter::cell_dir(const std::string& backend, const Variant& variant, const std::string& output) {
    std::string dir = backend + "/" + path_safe(variant.name) + "/";
    if (!output.empty()) dir += path_safe(output) + "/";
    return dir;
}

} // namespace detaudit
