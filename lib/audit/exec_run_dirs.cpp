#include "exec_run_dirs.hpp"
#include <filesystem>
#include "cell_outputs.hpp"

namespace fs = std::filesystem;

namespace detaudit {

ExecRunDirs::ExecRunDirs(const Plan& plan, const std::string& dump_dir, bool keep_runs) : m_dirs(dump_dir, keep_runs) {
    std::vector<std::string> exec_ids;
    for (const auto& p : plan.ops)
        if (p.op->kind == "exec") exec_ids.push_back(p.op->id);
    m_dirs.claim(exec_ids);
}

std::string ExecRunDirs::run_dir(const OpSpec& op, const std::string& backend, const std::string& variant, int run) {
    return (fs::path(m_dirs.root()) / op.id / backend / path_safe(variant) / ("run-" + std::to_string(run))).string();
}

} // namespace detaudit
