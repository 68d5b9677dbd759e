#include "trace/helper_location.hpp"
#include <filesystem>

namespace detaudit::trace {

std::string trace_helper_path() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share/detaudit/python/detaudit_trace.py";
        if (fs::is_regular_file(installed, ec)) return installed.string();
    }
    const fs::path source = fs::path(DETAUDIT_SOURCE_DIR) / "python/detaudit_trace.py";
    if (fs::is_regular_file(source, ec)) return source.string();
    return "";
}

} // namespace detaudit::trace
