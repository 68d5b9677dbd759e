#include "dir_fd.hpp"
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace detaudit {
namespace {

// What a path component that is a link points to, for the message only (never followed).
std::string link_text(int dir_fd, const std::string& name) {
    char target[4096];
    const ssize_t n = ::readlinkat(dir_fd, name.c_str(), target, sizeof target - 1);
    return n < 0 ? std::string("?") : std::string(target, static_cast<std::size_t>(n));
}

// Why `name` in `dir_fd` could not be opened as the kind wanted.
std::string refusal(int dir_fd, const std::string& name, const std::string& shown, int err, bool want_directory) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            return shown + " is a symbolic link (to " + link_text(dir_fd, name) +
                   "): refused, outputs are read only beneath {out} and never through a link";
        if (want_directory && !S_ISDIR(st.st_mode)) return shown + " is not a directory";
    }
    return "cannot open " + shown + ": " + std::strerror(err);
}

void list_into(int dir_fd, const std::string& prefix, std::vector<std::string>& out, int depth) {
    // A fresh open file description: fdopendir would move the caller's offset otherwise.
    const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return;
    }
    while (const dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!S_ISDIR(st.st_mode)) {
            out.push_back(prefix + name);
            continue;
        }
        if (depth >= 256) continue; // deeper than any program's output tree: not worth the fds
        const int sub = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) continue;
        list_into(sub, prefix + name + "/", out, depth + 1);
        ::close(sub);
    }
    ::closedir(dir);
}

} // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
    reset(o.release());
    return *this;
}

int UniqueFd::release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

void UniqueFd::reset(int fd) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
}

UniqueFd open_directory(const std::string& path) {
    return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

UniqueFd open_file_beneath(int dir_fd, const std::string& relative, bool& missing, std::string& why) {
    missing = false;
    std::vector<std::string> parts;
    for (std::size_t start = 0; start <= relative.size();) {
        const std::size_t slash = std::min(relative.find('/', start), relative.size());
        parts.push_back(relative.substr(start, slash - start));
        start = slash + 1;
    }
    UniqueFd current;
    int at = dir_fd;
    std::string shown;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        shown += (i ? "/" : "") + part;
        if (part.empty() || part == "." || part == "..") {
            why = "\"" + relative + "\" is not a plain path beneath {out}";
            return {};
        }
        const bool last = i + 1 == parts.size();
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        const int flags = last ? O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
                               : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        UniqueFd next(::openat(at, part.c_str(), flags));
        if (!next) {
            const int err = errno;
            missing = err == ENOENT;
            why = missing ? shown + " does not exist" : refusal(at, part, shown, err, !last);
            return {};
        }
        current = std::move(next);
        at = current.get();
    }
    struct stat st {};
    if (::fstat(current.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        why = "not a regular file";
        return {};
    }
    // Reads block as usual from here on.
    ::fcntl(current.get(), F_SETFL, ::fcntl(current.get(), F_GETFL) & ~O_NONBLOCK);
    return current;
}

std::vector<std::string> list_beneath(int dir_fd) {
    std::vector<std::string> out;
    list_into(dir_fd, "", out, 0);
    std::sort(out.begin(), out.end());
    return out;
}

bool remove_tree_at(int dir_fd, const std::string& name) {
    if (::unlinkat(dir_fd, name.c_str(), 0) == 0) return true;
    if (errno == ENOENT) return true;
    if (errno != EISDIR && errno != EPERM) return false; // EPERM: what some systems say for a directory
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return false;
    }
    std::vector<std::string> entries;
    while (const dirent* e = ::readdir(dir)) {
        const std::string entry = e->d_name;
        if (entry != "." && entry != "..") entries.push_back(entry);
    }
    bool ok = true;
    for (const auto& entry : entries) ok = remove_tree_at(fd, entry) && ok;
    ::closedir(dir);
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) == 0) return true;
    return ok && errno == ENOENT;
}

bool same_entry(int dir_fd, const std::string& name, int open_fd) {
    struct stat now {}, held {};
    if (::fstatat(dir_fd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 || ::fstat(open_fd, &held) != 0) return false;
    return now.st_dev == held.st_dev && now.st_ino == held.st_ino;
}

} // namespace detaudit
