// Where exec runs keep their files (run-N/stdout.txt, stderr.txt, out/), and who may use them:
// under --dump-dir, each exec op's directory is locked by the audit writing it, so concurrent
// audits never empty each other's {out}; without it, a private temporary root whose owner is
// recorded, so one left behind by a detaudit killed with SIGKILL is removed by the next.
#pragma once
#include <optional>
#include <string>
#include <vector>
#include "file_lock.hpp"

namespace detaudit {

class RunDirs {
public:
    RunDirs(std::string dump_dir, bool keep_runs) : m_dump_dir(std::move(dump_dir)), m_keep(keep_runs) {}
    RunDirs(const RunDirs&) = delete;
    RunDirs& operator=(const RunDirs&) = delete;
    // An audit that ended by an exception cleans up as finish() would.
    ~RunDirs() { finish(); }

    // Under --dump-dir: locks DIR/<id> for each op id, before anything runs. Throws
    // detaudit::Error (usage, exit 2) naming --dump-dir and the other audit's pid when another
    // live detaudit holds one.
    void claim(const std::vector<std::string>& op_ids);
    // The dump directory, or the temporary root (made on first use, after removing the
    // abandoned ones it can prove abandoned).
    std::string root();
    // At the end of the audit: the temporary root's path when it is kept (--keep-runs), else ""
    // (it is removed).
    std::string finish();

private:
    std::string m_dump_dir;
    bool m_keep;
    std::string m_temp_root;
    std::optional<FileLock> m_owner;
    std::vector<FileLock> m_claims;
};

// The name of the owner file in a temporary root: locked by the detaudit using the root.
inline constexpr const char* k_run_root_owner_file = ".detaudit-owner";

// Removes every `detaudit-runs-*` directory in `tmp_dir` that is this user's, not a link, and
// holds an owner file nobody holds locked (its detaudit is gone, however it ended). A directory
// without an owner file (kept with --keep-runs, or another program's) is left alone. Returns how
// many were removed.
std::size_t remove_abandoned_run_roots(const std::string& tmp_dir);

} // namespace detaudit
