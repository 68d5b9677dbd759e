#include "output_path.hpp"
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "atomic_file.hpp"
#include "common/error.hpp"
#include "read_file.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

enum class TargetKind { standard_stream, stream, file };

struct Target {
    TargetKind kind = TargetKind::file;
    int fd = -1;      // standard_stream: 1 or 2
    std::string path; // stream: as given; file: the end of its symbolic links
};

struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const FileId&) const = default;
};

std::optional<FileId> id_of_fd(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return std::nullopt;
    return FileId{st.st_dev, st.st_ino};
}

std::optional<FileId> id_of_path(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return FileId{st.st_dev, st.st_ino};
}

[[noreturn]] void refuse(const NamedPath& report, const std::string& why) {
    throw Error(ErrorKind::usage, report.name + " " + report.path + ": " + why);
}

// `path` with the symbolic links at its end followed: the regular file a rename must replace (a
// dangling link's target is created), so the link itself stays a link.
std::string end_of_links(const NamedPath& report) {
    std::string p = report.path;
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        std::error_code ec;
        const fs::path target = fs::read_symlink(p, ec);
        if (ec) refuse(report, "cannot read the symbolic link: " + ec.message());
        p = target.is_absolute() ? target.string() : (fs::path(p).parent_path() / target).string();
    }
    refuse(report, "too many levels of symbolic links");
}

Target resolve(const NamedPath& report) {
    if (report.path == "-") return {TargetKind::standard_stream, 1, report.path};
    struct stat st {};
    if (::stat(report.path.c_str(), &st) == 0) {
        const FileId id{st.st_dev, st.st_ino};
        for (int fd : {1, 2})
            if (id_of_fd(fd) == id) return {TargetKind::standard_stream, fd, report.path};
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {TargetKind::stream, -1, report.path};
    }
    return {TargetKind::file, -1, end_of_links(report)};
}

// What makes two paths the same file: device and inode when it exists, else the absolute path
// with its existing part's links resolved.
struct Identity {
    std::optional<FileId> id;
    std::string normalised;
    bool same_as(const Identity& other) const {
        if (id && other.id) return *id == *other.id;
        return !normalised.empty() && normalised == other.normalised;
    }
};

Identity identity_of_path(const std::string& path) {
    std::error_code ec;
    fs::path normal = fs::weakly_canonical(fs::absolute(path, ec), ec);
    return {id_of_path(path), ec ? fs::absolute(path).lexically_normal().string() : normal.string()};
}

Identity identity_of(const Target& t) {
    if (t.kind == TargetKind::standard_stream) return {id_of_fd(t.fd), t.fd == 1 ? "<stdout>" : "<stderr>"};
    return identity_of_path(t.path);
}

void check_writable(const NamedPath& report, const Target& t) {
    if (t.kind == TargetKind::standard_stream) return;
    if (t.kind == TargetKind::stream) {
        // Not opened here: opening a FIFO for writing waits for a reader.
        if (::access(t.path.c_str(), W_OK) != 0) refuse(report, std::string("cannot write there: ") + std::strerror(errno));
        return;
    }
    struct stat st {};
    if (::stat(t.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) refuse(report, "is a directory, expected a file path");
        refuse(report, file_type_name(st.st_mode).substr(3) +
                           "; a report goes to a regular file, a character device, a FIFO or - (stdout)");
    }
    // The same temporary name write_file_atomically uses, created and removed again.
    const std::string temp = t.path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) return; // someone else's file: the directory is writable
    if (fd < 0) refuse(report, std::string("cannot write there: ") + std::strerror(errno));
    ::close(fd);
    ::unlink(temp.c_str());
}

void write_all(int fd, std::string_view content, const NamedPath& report, bool is_stdout) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE && is_stdout) return; // the reader of stdout went away: its end
            throw Error(ErrorKind::runtime, report.name + " " + report.path + ": cannot write: " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace

void check_report_paths(const std::vector<NamedPath>& reports, const std::vector<NamedPath>& inputs,
                        const NamedPath& dump_dir) {
    struct Taken {
        std::string what; // "the scenario file (s.json)"
        Identity identity;
    };
    std::vector<Taken> taken;
    for (const auto& input : inputs) taken.push_back({input.name + " (" + input.path + ")", identity_of_path(input.path)});
    if (!dump_dir.path.empty())
        taken.push_back({"the " + dump_dir.name + " directory (" + dump_dir.path + ")", identity_of_path(dump_dir.path)});
    for (const auto& report : reports) {
        if (report.path.empty()) refuse(report, "expected a file path, got an empty string");
        const Target target = resolve(report);
        check_writable(report, target);
        const Identity identity = identity_of(target);
        for (const auto& other : taken)
            if (identity.same_as(other.identity))
                refuse(report, "is also " + other.what +
                                   ": a report never replaces an input, another report or the dump directory");
        taken.push_back({"the " + report.name + " report (" + report.path + ")", identity});
    }
}

bool report_goes_to_stdout(const std::string& path) {
    if (path == "-") return true;
    const auto id = id_of_path(path);
    return id && id == id_of_fd(1);
}

void write_report(const NamedPath& report, std::string_view content) {
    const Target target = resolve(report);
    switch (target.kind) {
    case TargetKind::standard_stream:
        (target.fd == 1 ? std::cout : std::cerr).flush();
        write_all(target.fd, content, report, target.fd == 1);
        return;
    case TargetKind::stream: {
        const int fd = ::open(target.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            throw Error(ErrorKind::runtime, report.name + " " + report.path + ": cannot write: " + std::strerror(errno));
        try {
            write_all(fd, content, report, false);
        } catch (...) {
            ::close(fd);
            throw;
        }
        ::close(fd);
        return;
    }
    case TargetKind::file:
        try {
            write_file_atomically(target.path, content);
        } catch (const Error& e) { // "path: cannot write: why", named by its flag too
            throw Error(ErrorKind::runtime, report.name + " " + e.what());
        }
        return;
    }
}

} // namespace detaudit
