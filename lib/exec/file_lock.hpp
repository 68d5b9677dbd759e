// An exclusive lock on a file (flock) that lives as long as this process holds it: the kernel
// drops it when the process ends, even by SIGKILL, so a lock that can be taken proves that
// whoever held it is gone.
#pragma once
#include <optional>
#include <string>

namespace detaudit {

class FileLock {
public:
    FileLock() = default;
    FileLock(FileLock&& o) noexcept : m_fd(o.m_fd), m_path(std::move(o.m_path)) { o.m_fd = -1; }
    FileLock& operator=(FileLock&& o) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock() { release(); }

    // Opens or creates `path` (never through a symbolic link) and locks it without waiting.
    // nullopt when another open file holds the lock; `holder` then gets what the holder wrote in
    // the file (its pid), possibly empty. Throws detaudit::Error (runtime) when it cannot be
    // created or locked at all.
    static std::optional<FileLock> try_acquire(const std::string& path, std::string& holder);
    // Opens an existing lock file (not a link, owned by this user) and locks it without waiting;
    // nullopt when it is missing, not ours, or held.
    static std::optional<FileLock> try_acquire_existing(const std::string& path);

    // Replaces the file's content with `text` (the holder's pid, for whoever is refused).
    void write(const std::string& text);
    const std::string& path() const { return m_path; }
    void release();

private:
    FileLock(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd = -1;
    std::string m_path;
};

} // namespace detaudit
