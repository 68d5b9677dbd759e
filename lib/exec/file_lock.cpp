#include "file_lock.hpp"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/error.hpp"

namespace detaudit {
namespace {

// O_CLOEXEC: a program detaudit runs must not inherit the lock and keep it alive after detaudit.
constexpr int k_open_flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC;

bool lock_now(int fd) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        if (errno != EINTR) return false;
    return true;
}

std::string read_small(int fd) {
    char text[64];
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return {};
    std::string s(text, static_cast<std::size_t>(n));
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

} // namespace

FileLock& FileLock::operator=(FileLock&& o) noexcept {
    if (this != &o) {
        release();
        m_fd = o.m_fd;
        m_path = std::move(o.m_path);
        o.m_fd = -1;
    }
    return *this;
}

std::optional<FileLock> FileLock::try_acquire(const std::string& path, std::string& holder) {
    const int fd = ::open(path.c_str(), k_open_flags | O_CREAT, 0644);
    if (fd < 0) throw Error(ErrorKind::runtime, "cannot create the lock file " + path + ": " + std::strerror(errno));
    if (lock_now(fd)) return FileLock(fd, path);
    const int err = errno;
    holder = read_small(fd);
    ::close(fd);
    if (err != EWOULDBLOCK) throw Error(ErrorKind::runtime, "cannot lock " + path + ": " + std::strerror(err));
    return std::nullopt;
}

std::optional<FileLock> FileLock::try_acquire_existing(const std::string& path) {
    const int fd = ::open(path.c_str(), k_open_flags);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || !lock_now(fd)) {
        ::close(fd);
        return std::nullopt;
    }
    return FileLock(fd, path);
}

void FileLock::write(const std::string& text) {
    if (m_fd < 0) return;
    if (::ftruncate(m_fd, 0) != 0) return; // the pid is for messages only: not worth failing for
    [[maybe_unused]] const ssize_t n = ::pwrite(m_fd, text.data(), text.size(), 0);
}

void FileLock::release() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

} // namespace detaudit
