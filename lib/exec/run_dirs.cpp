#include "run_dirs.hpp"
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include "common/error.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

constexpr const char* k_claim_file = ".detaudit-lock";

std::string pid_text() { return "pid " + std::to_string(::getpid()) + "\n"; }

std::string temp_dir() {
    const char* tmp = std::getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

} // namespace

void RunDirs::claim(const std::vector<std::string>& op_ids) {
    if (m_dump_dir.empty()) return;
    for (const auto& id : op_ids) {
        const fs::path dir = fs::path(m_dump_dir) / id;
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw Error(ErrorKind::runtime, "cannot create " + dir.string() + ": " + ec.message());
        std::string holder;
        std::optional<FileLock> lock = FileLock::try_acquire((dir / k_claim_file).string(), holder);
        if (!lock)
            throw Error(ErrorKind::usage, "--dump-dir " + m_dump_dir + ": another detaudit" +
                                              (holder.empty() ? "" : " (" + holder + ")") +
                                              " is running operation \"" + id +
                                              "\" into it now; give each concurrent audit its own --dump-dir");
        lock->write(pid_text());
        m_claims.push_back(std::move(*lock));
    }
}

std::string RunDirs::root() {
    if (!m_dump_dir.empty()) return m_dump_dir;
    if (!m_temp_root.empty()) return m_temp_root;
    const std::string tmp = temp_dir();
    remove_abandoned_run_roots(tmp);
    std::string pattern = tmp + "/detaudit-runs-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        throw Error(ErrorKind::runtime, "cannot create a temporary directory for exec runs under " + tmp + ": " +
                                            std::strerror(errno));
    m_temp_root = pattern;
    // Locked under another name, then renamed: a cleaner never sees an owner file not yet locked.
    const std::string fresh = m_temp_root + "/" + k_run_root_owner_file + ".new";
    const std::string owner = m_temp_root + "/" + k_run_root_owner_file;
    std::string holder;
    m_owner = FileLock::try_acquire(fresh, holder);
    if (m_owner) m_owner->write(pid_text());
    if (!m_owner || ::rename(fresh.c_str(), owner.c_str()) != 0)
        throw Error(ErrorKind::runtime, "cannot record the owner of " + m_temp_root + ": " + std::strerror(errno));
    return m_temp_root;
}

std::string RunDirs::finish() {
    m_claims.clear();
    if (m_temp_root.empty()) return {};
    std::string kept;
    if (m_keep) {
        // Kept for the user: no longer ours to clean up, by this audit or any later one.
        ::unlink((m_temp_root + "/" + k_run_root_owner_file).c_str());
        kept = m_temp_root;
    } else {
        std::error_code ec;
        fs::remove_all(m_temp_root, ec);
    }
    m_owner.reset();
    m_temp_root.clear();
    return kept;
}

std::size_t remove_abandoned_run_roots(const std::string& tmp_dir) {
    DIR* dir = ::opendir(tmp_dir.c_str());
    if (!dir) return 0;
    std::vector<std::string> candidates;
    while (const dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name.rfind("detaudit-runs-", 0) == 0 && name.size() == std::strlen("detaudit-runs-XXXXXX"))
            candidates.push_back(tmp_dir + "/" + name);
    }
    ::closedir(dir);
    std::size_t removed = 0;
    for (const auto& path : candidates) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) continue;
        // Held while removing, so two cleaners never race on the same directory.
        const std::optional<FileLock> owner = FileLock::try_acquire_existing(path + "/" + k_run_root_owner_file);
        if (!owner) continue;
        std::error_code ec;
        fs::remove_all(path, ec);
        if (!ec) ++removed;
    }
    return removed;
}

} // namespace detaudit
