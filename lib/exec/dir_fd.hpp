// Paths beneath a directory held open: a program that replaces {out} (or a directory in it) with
// a symbolic link cannot make detaudit read, list or delete anything outside it.
#pragma once
#include <string>
#include <vector>

namespace detaudit {

// An owned file descriptor.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : m_fd(o.release()) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }
    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }
    int release();
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

// A directory opened without following a link on its last component (O_DIRECTORY|O_NOFOLLOW).
// An invalid fd, errno set, when it cannot be.
UniqueFd open_directory(const std::string& path);

// Opens `relative` ("a.npy", "layers/w0.npy") beneath `dir_fd` for reading, component by
// component with O_NOFOLLOW, so no symbolic link anywhere on the path is followed, and only if
// it is a regular file. On failure: an invalid fd, `missing` true when a component does not
// exist, `why` the reason ("layers is a symbolic link (to /etc): refused").
UniqueFd open_file_beneath(int dir_fd, const std::string& relative, bool& missing, std::string& why);

// Everything beneath `dir_fd` that is not a directory (files, links under their own names,
// FIFOs...), as relative paths, sorted. Links to directories are listed, not entered.
std::vector<std::string> list_beneath(int dir_fd);

// Removes `name` in `dir_fd` and, if it is a directory, everything in it, never following a
// link (a link is removed, not what it points to). False, errno set, on failure; a missing
// `name` is no failure.
bool remove_tree_at(int dir_fd, const std::string& name);

// dev and inode of `name` in `dir_fd` (a link itself, not its target); false if it is gone.
bool same_entry(int dir_fd, const std::string& name, int open_fd);

} // namespace detaudit
