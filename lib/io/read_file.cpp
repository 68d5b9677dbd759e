#include "read_file.hpp"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/error.hpp"

namespace detaudit {
namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& why) {
    throw Error(ErrorKind::scenario, path + ": cannot read the " + what + ": " + why);
}

std::string size_text(std::size_t bytes) {
    if (bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

// Closes the descriptor on every way out of read_regular_file.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

std::string file_type_name(unsigned mode) {
    if (S_ISDIR(mode)) return "it is a directory";
    if (S_ISFIFO(mode)) return "it is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode)) return "it is a character device, not a regular file";
    if (S_ISBLK(mode)) return "it is a block device, not a regular file";
    if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
    return "it is not a regular file";
}

std::string read_regular_file(const std::string& path, std::size_t max_bytes, const std::string& what) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat
    // could tell what it is. It has no effect on reading a regular file.
    Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) refuse(path, what, std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) refuse(path, what, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) refuse(path, what, file_type_name(st.st_mode));
    if (static_cast<std::size_t>(st.st_size) > max_bytes)
        refuse(path, what, "it is " + std::to_string(st.st_size) + " bytes, more than the limit of " + size_text(max_bytes));
    std::string text;
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    // A file that grows while it is read is read up to the limit and refused beyond it.
    for (;;) {
        if (done == text.size()) {
            if (text.size() > max_bytes) refuse(path, what, "it grew beyond the limit of " + size_text(max_bytes));
            text.resize(text.size() + 4096);
        }
        const ssize_t n = ::read(f.fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            refuse(path, what, std::strerror(errno));
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    if (done > max_bytes) refuse(path, what, "it grew beyond the limit of " + size_text(max_bytes));
    text.resize(done);
    return text;
}

void check_regular_input(const std::string& path, const std::string& what, bool directory_ok) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;
    if (S_ISREG(st.st_mode) || (directory_ok && S_ISDIR(st.st_mode))) return;
    refuse(path, what, file_type_name(st.st_mode));
}

} // namespace detaudit
