#include "output_files.hpp"
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fnmatch.h>
#include <set>
#include <span>
#include <sys/stat.h>
#include <unistd.h>
#include "common/error.hpp"
#include "dir_fd.hpp"
#include "io/spooled_array.hpp"

namespace detaudit {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The bytes of an open file.
Buffer read_bytes(int fd, const std::string& name) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error(ErrorKind::runtime, "output " + name + ": cannot read its size: " + std::strerror(errno));
    Buffer b(DType::bytes, {static_cast<std::size_t>(st.st_size)});
    auto* data = reinterpret_cast<char*>(b.data());
    std::size_t done = 0;
    while (done < b.size_bytes()) {
        const ssize_t n = ::pread(fd, data + done, b.size_bytes() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(ErrorKind::runtime, "output " + name + ": cannot read it: " + std::strerror(errno));
        if (n == 0) throw Error(ErrorKind::runtime, "output " + name + ": read failed (did it change while being read?)");
        done += static_cast<std::size_t>(n);
    }
    return b;
}

// Large enough to stream at disk speed, small enough to be nothing next to the outputs.
constexpr std::size_t k_spool_piece_bytes = std::size_t{1} << 20;

// Where collected outputs go: whole buffers in `files`, or, with a spool directory, files of their
// own in `spooled`, so that an output is never held whole when it can be streamed.
class OutputSink {
public:
    OutputSink(CollectedOutputs& out, std::string spool_dir) : m_out(out), m_dir(std::move(spool_dir)) {}
    bool spooling() const { return !m_dir.empty(); }
    std::string next_path() { return m_dir + "/spool-" + std::to_string(m_next++) + ".raw"; }
    void add(const std::string& name, Buffer buffer) {
        if (spooling()) m_out.spooled.push_back({name, spool_buffer(buffer, next_path())});
        else m_out.files.push_back({name, std::move(buffer)});
    }
    void add(const std::string& name, SpooledArray array) { m_out.spooled.push_back({name, std::move(array)}); }

private:
    CollectedOutputs& m_out;
    std::string m_dir;
    std::size_t m_next = 0;
};

// A file that is not an array, copied a piece at a time.
SpooledArray spool_bytes(int fd, const std::string& name, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error(ErrorKind::runtime, "output " + name + ": cannot read its size: " + std::strerror(errno));
    const auto size = static_cast<std::size_t>(st.st_size);
    SpoolWriter writer(path, DType::bytes, {size});
    std::vector<std::byte> piece(std::min(size, k_spool_piece_bytes));
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = ::pread(fd, piece.data(), std::min(piece.size(), size - done), static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(ErrorKind::runtime, "output " + name + ": cannot read it: " + std::strerror(errno));
        if (n == 0) throw Error(ErrorKind::runtime, "output " + name + ": read failed (did it change while being read?)");
        writer.append({piece.data(), static_cast<std::size_t>(n)});
        done += static_cast<std::size_t>(n);
    }
    return writer.finish();
}

// A C-order array (a .npy file or an .npz member) streamed into a spool file (little-endian, as
// read_elements gives it); a Fortran-order array of two or more dimensions is transposed whole.
void spool_array(NpyFileReader& reader, const std::string& name, OutputSink& sink) {
    if (!reader.c_order()) {
        sink.add(name, reader.read_all());
        return;
    }
    SpoolWriter writer(sink.next_path(), reader.dtype(), reader.shape());
    const std::size_t width = dtype_size(reader.dtype());
    std::vector<std::byte> piece(std::max(width, k_spool_piece_bytes / width * width));
    while (const std::size_t n = reader.read_elements(piece.data(), piece.size() / width))
        writer.append({piece.data(), n * width});
    sink.add(name, writer.finish());
}

// The file is opened beneath {out}'s descriptor with no link followed; the array readers get it
// as /proc/self/fd/N, which reopens that very file (not a path that could be swapped), or, without
// /proc, its bytes.
void read_output(int out_fd, const std::string& name, OutputSink& out) {
    bool missing = false;
    std::string why;
    const UniqueFd fd = open_file_beneath(out_fd, name, missing, why);
    if (!fd) throw Error(ErrorKind::runtime, "output " + name + ": " + why);
    const bool npy = ends_with(name, ".npy"), npz = ends_with(name, ".npz");
    if (!npy && !npz) {
        if (out.spooling()) out.add(name, spool_bytes(fd.get(), name, out.next_path()));
        else out.add(name, read_bytes(fd.get(), name));
        return;
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd.get());
    const bool by_path = ::access(path.c_str(), R_OK) == 0;
    // The readers' messages start with the path; the output's name is what the user wrote.
    try {
        if (!by_path) {
            const Buffer bytes = read_bytes(fd.get(), name);
            const auto span = std::span<const std::byte>(bytes.data(), bytes.size_bytes());
            if (npy) out.add(name, parse_npy(span, path));
            else
                for (auto& member : parse_npz(span, path)) out.add(name + ":" + member.name, std::move(member.buffer));
        } else if (npy && out.spooling()) {
            NpyFileReader reader(path);
            spool_array(reader, name, out);
        } else if (out.spooling()) {
            for_each_npz_member(path, [&](const std::string& member, NpyFileReader& reader) {
                spool_array(reader, name + ":" + member, out);
            });
        } else if (npy) {
            out.add(name, read_npy(path));
        } else {
            for (auto& member : read_npz(path)) out.add(name + ":" + member.name, std::move(member.buffer));
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::runtime) throw;
        std::string what = e.what();
        if (what.rfind(path, 0) == 0) what = what.substr(path.size());
        if (what.rfind(": ", 0) == 0) what = what.substr(2);
        throw Error(ErrorKind::runtime, "output " + name + ": " + what);
    }
}

} // namespace

bool is_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

std::string output_file(const std::string& name) {
    const auto member = name.find(".npz:");
    return member == std::string::npos ? name : name.substr(0, member + 4);
}

bool pattern_matches_output(const std::string& pattern, const std::string& name) {
    return name == pattern || ::fnmatch(pattern.c_str(), output_file(name).c_str(), FNM_PATHNAME | FNM_PERIOD) == 0;
}

CollectedOutputs collect_outputs(int out_fd, const std::vector<std::string>& patterns, const std::string& spool_dir) {
    CollectedOutputs result;
    OutputSink sink(result, spool_dir);
    std::vector<std::string> files;
    bool listed = false;
    std::set<std::string> taken;
    for (const auto& pattern : patterns) {
        std::vector<std::string> matches;
        if (!is_glob(pattern)) {
            bool missing = false;
            std::string why;
            // A dangling link is there too: it is refused by name.
            if (open_file_beneath(out_fd, pattern, missing, why) || !missing) matches.push_back(pattern);
        } else {
            if (!listed) {
                files = list_beneath(out_fd);
                listed = true;
            }
            for (const auto& f : files)
                if (::fnmatch(pattern.c_str(), f.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) matches.push_back(f);
        }
        if (matches.empty()) result.missing.push_back(pattern);
        for (const auto& m : matches) {
            if (!taken.insert(m).second) continue;
            try {
                read_output(out_fd, m, sink);
            } catch (const Error& e) {
                result.failed.push_back({m, e.what()});
            }
        }
    }
    return result;
}

CollectedOutputs collect_outputs(const std::string& out_dir, const std::vector<std::string>& patterns,
                                 const std::string& spool_dir) {
    const UniqueFd fd = open_directory(out_dir);
    if (!fd) throw Error(ErrorKind::runtime, "cannot open {out} (" + out_dir + "): " + std::strerror(errno));
    return collect_outputs(fd.get(), patterns, spool_dir);
}

} // namespace detaudit
