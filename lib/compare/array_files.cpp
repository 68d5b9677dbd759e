#include "array_files.hpp"
#include <algorithm>
#include <filesystem>
#include <map>
#include "common/error.hpp"
#include "io/npy_reader.hpp"
#include "io/read_file.hpp"
#include "piece_walker.hpp"

namespace detaudit {
namespace {

namespace fs = std::filesystem;

ArrayComparison compare_pair(const std::string& name, const Buffer& a, const Buffer& b, const ArrayTolerance& t) {
    ArrayComparison r;
    r.name = name;
    r.dtype = a.dtype();
    r.other_dtype = b.dtype();
    r.shape = a.shape();
    r.other_shape = b.shape();
    r.diff = compare_buffers(a, b);
    const ToleranceJudgement j = judge_tolerance(t, r.diff);
    r.verdict = j.verdict;
    r.reason = j.reason;
    return r;
}

// An .npy file's elements in the order piece_walker asks for them (from 0 up, consecutively).
ElementReader sequential_reader(NpyFileReader& file) {
    return [&file](std::size_t, std::size_t count, std::byte* dst) { file.read_elements(dst, count); };
}

ArrayComparison compare_npy_files(const std::string& name, const std::string& a, const std::string& b,
                                  const ArrayTolerance& t) {
    NpyFileReader reader_a(a), reader_b(b);
    if (reader_a.dtype() != reader_b.dtype() || reader_a.shape() != reader_b.shape() || !reader_a.c_order() ||
        !reader_b.c_order() || reader_a.elements() == 0) {
        // Fortran-order arrays are transposed whole; mismatches and empty arrays are described
        // by compare_buffers. Both read before comparing: the pair is in memory only meanwhile.
        const Buffer buffer_a = read_npy(a), buffer_b = read_npy(b);
        return compare_pair(name, buffer_a, buffer_b, t);
    }
    ArrayComparison r;
    r.name = name;
    r.dtype = r.other_dtype = reader_a.dtype();
    r.shape = r.other_shape = reader_a.shape();
    // Two .npy files are compared as they are read: memory does not grow with the files.
    r.diff = compare_in_pieces(reader_a.dtype(), reader_a.elements(), sequential_reader(reader_a),
                               sequential_reader(reader_b));
    const ToleranceJudgement j = judge_tolerance(t, r.diff);
    r.verdict = j.verdict;
    r.reason = j.reason;
    return r;
}

// Two archives' members matched by name; `prefix` names the archive in directory mode.
void compare_archives(const std::vector<NamedBuffer>& a, const std::vector<NamedBuffer>& b, const std::string& prefix,
                      ArrayFilesComparison& out) {
    std::map<std::string, const Buffer*> unmatched_b;
    for (const auto& m : b) unmatched_b[m.name] = &m.buffer;
    for (const auto& m : a) {
        const auto it = unmatched_b.find(m.name);
        if (it == unmatched_b.end()) {
            out.only_in_a.push_back(prefix + m.name);
            continue;
        }
        out.arrays.push_back(compare_pair(prefix + m.name, m.buffer, *it->second, out.tolerance));
        unmatched_b.erase(it);
    }
    for (const auto& m : b)
        if (unmatched_b.count(m.name)) out.only_in_b.push_back(prefix + m.name);
}

bool has_suffix(const std::string& name, std::string_view suffix) {
    return name.size() > suffix.size() && name.ends_with(suffix);
}

// The .npy and .npz files under `dir`, by path relative to it ('/'-separated), sorted. One of
// those names that is not a regular file (a FIFO would block, a device never ends, a dangling
// link has nothing to read) is bad input, not silently one array fewer.
std::map<std::string, std::string> array_files(const std::string& dir) {
    std::map<std::string, std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string rel = it->path().lexically_relative(dir).generic_string();
        if (!has_suffix(rel, ".npy") && !has_suffix(rel, ".npz")) continue;
        std::error_code type_ec;
        if (it->is_directory(type_ec)) continue;
        if (!it->is_regular_file(type_ec)) {
            check_regular_input(it->path().string(), "array file", false); // a FIFO, a device, a socket
            throw Error(ErrorKind::scenario, it->path().string() + ": cannot read the array file: it is a dangling symbolic link");
        }
        files[rel] = it->path().string();
    }
    if (ec) throw Error(ErrorKind::scenario, dir + ": cannot list the directory: " + ec.message());
    return files;
}

// One pair of files of the same kind; `name` is the .npy pair's name, `prefix` the archives'.
void compare_files(const std::string& a, const std::string& b, bool npz, const std::string& name,
                   const std::string& prefix, ArrayFilesComparison& out) {
    if (npz) {
        compare_archives(read_npz(a), read_npz(b), prefix, out);
    } else {
        out.arrays.push_back(compare_npy_files(name, a, b, out.tolerance));
    }
}

} // namespace

std::size_t ArrayFilesComparison::count(ArrayVerdict v) const {
    std::size_t n = 0;
    for (const auto& a : arrays) n += a.verdict == v;
    return n;
}

bool ArrayFilesComparison::passed() const {
    return count(ArrayVerdict::differs) == 0 && only_in_a.empty() && only_in_b.empty();
}

ArrayFilesComparison compare_array_files(const std::string& a, const std::string& b, const ArrayTolerance& t) {
    for (const auto& p : {a, b}) {
        std::error_code ec;
        if (!fs::exists(p, ec)) throw Error(ErrorKind::scenario, p + ": no such file or directory");
    }
    ArrayFilesComparison out;
    out.a = a;
    out.b = b;
    out.tolerance = t;
    std::error_code ec;
    const bool dir_a = fs::is_directory(a, ec), dir_b = fs::is_directory(b, ec);
    if (dir_a != dir_b)
        throw Error(ErrorKind::usage, (dir_a ? a : b) + " is a directory but " + (dir_a ? b : a) +
                                          " is not: compare two files or two directories");
    if (!dir_a) {
        const bool npz_a = sniff_array_file(a) == ArrayFileKind::npz, npz_b = sniff_array_file(b) == ArrayFileKind::npz;
        if (npz_a != npz_b)
            throw Error(ErrorKind::usage, (npz_a ? a : b) + " is an .npz archive but " + (npz_a ? b : a) +
                                              " is not: compare two .npy files or two .npz files");
        const std::string name_a = fs::path(a).filename().string(), name_b = fs::path(b).filename().string();
        compare_files(a, b, npz_a, name_a == name_b ? name_a : name_a + " vs " + name_b, "", out);
        return out;
    }
    const auto files_a = array_files(a), files_b = array_files(b);
    for (const auto& [rel, path_a] : files_a) {
        const auto it = files_b.find(rel);
        if (it == files_b.end()) out.only_in_a.push_back(rel);
        else compare_files(path_a, it->second, has_suffix(rel, ".npz"), rel, rel + ":", out);
    }
    for (const auto& [rel, path_b] : files_b)
        if (!files_a.count(rel)) out.only_in_b.push_back(rel);
    return out;
}

} // namespace detaudit
