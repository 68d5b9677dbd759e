// The host backend's run directories for one audit: <root>/<op id>/<backend>/<variant>/run-N,
// the root being --dump-dir or a private temporary root (exec/run_dirs: locks and cleanup).
#pragma once
#include <string>
#include "exec/run_dirs.hpp"
#include "plan.hpp"

namespace detaudit {

class ExecRunDirs {
public:
    // Before any work: every exec op's directory is claimed for this audit alone. Throws a usage
    // Error when another live detaudit holds one.
    ExecRunDirs(const Plan& plan, const std::string& dump_dir, bool keep_runs);

    // Run `run`'s directory (the temporary root is made on first use).
    std::string run_dir(const OpSpec& op, const std::string& backend, const std::string& variant, int run);
    // At the end of the audit: the temporary root when it is kept (--keep-runs), else "".
    std::string finish() { return m_dirs.finish(); }

private:
    RunDirs m_dirs;
};

} // namespace detaudit
