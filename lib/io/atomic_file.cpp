#include "atomic_file.hpp"
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <unistd.h>
#include "common/error.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

std::string temp_path_for(const std::string& path) {
    return path + ".tmp." + std::to_string(::getpid());
}

bool write_all(int fd, std::string_view content) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
    write_file_atomically(path, std::vector<std::string_view>{content});
}

void write_file_atomically(const std::string& path, const std::vector<std::string_view>& parts) {
    write_file_atomically(path, [&](const PieceWriter& write) {
        for (std::string_view part : parts) write(part);
    });
}

void write_file_atomically(const std::string& path, const std::function<void(const PieceWriter&)>& produce) {
    const std::string temp = temp_path_for(path);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(ErrorKind::runtime, path + ": cannot write: " + std::strerror(errno));
    bool ok = true;
    try {
        produce([&](std::string_view piece) { ok = ok && write_all(fd, piece); });
    } catch (...) {
        ::close(fd);
        std::remove(temp.c_str());
        throw;
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = ok ? errno : saved;
        std::remove(temp.c_str());
        throw Error(ErrorKind::runtime, path + ": cannot write: " + std::strerror(err));
    }
}

void check_file_writable(const std::string& path, const std::string& flag) {
    if (path.empty()) throw Error(ErrorKind::usage, flag + ": expected a file path, got an empty string");
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(ErrorKind::usage, flag + " " + path + ": is a directory, expected a file path");
    const std::string temp = temp_path_for(path);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(ErrorKind::usage, flag + " " + path + ": cannot write there: " + std::strerror(errno));
    ::close(fd);
    std::remove(temp.c_str());
}

void prepare_writable_dir(const std::string& dir, const std::string& flag) {
    if (dir.empty()) throw Error(ErrorKind::usage, flag + ": expected a directory, got an empty string");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::usage, flag + " " + dir + ": cannot create the directory: " + ec.message());
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::usage, flag + " " + dir + ": exists and is not a directory");
    check_file_writable((fs::path(dir) / ".detaudit-write-check").string(), flag);
}

} // namespace detaudit
