#include "output_files.hpp"
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fnmatch.h>
#include <fstream>
#include <set>
#include "common/error.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The regular files under `root` (not following directory links), relative, sorted.
std::vector<std::string> files_under(const fs::path& root) {
    std::vector<std::string> out;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::file_status st = it->symlink_status(ec);
        if (ec) break;
        if (fs::is_directory(st)) continue;
        out.push_back(fs::relative(it->path(), root, ec).generic_string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

Buffer read_bytes(const fs::path& path, const std::string& name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::runtime, "output " + name + ": cannot read it: " + std::strerror(errno));
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw Error(ErrorKind::runtime, "output " + name + ": cannot read its size: " + ec.message());
    Buffer b(DType::bytes, {static_cast<std::size_t>(size)});
    if (size > 0 && !in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(size)))
        throw Error(ErrorKind::runtime, "output " + name + ": read failed (did it change while being read?)");
    return b;
}

// A program may leave a link in {out}; what it points to must still be inside {out}.
void check_inside(const fs::path& root, const fs::path& path, const std::string& name) {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    if (ec) throw Error(ErrorKind::runtime, "output " + name + ": " + ec.message());
    if (fs::is_symlink(st)) {
        const fs::path target = fs::canonical(path, ec);
        if (ec) throw Error(ErrorKind::runtime, "output " + name + ": a symbolic link that cannot be resolved");
        const fs::path base = fs::canonical(root, ec);
        const auto rel = target.lexically_relative(base).generic_string();
        if (ec || rel.empty() || rel == ".." || rel.rfind("../", 0) == 0)
            throw Error(ErrorKind::runtime, "output " + name + ": a symbolic link to " + target.string() +
                                                ", outside {out}: refused");
    }
    const fs::file_status target_status = fs::status(path, ec);
    if (ec || !fs::is_regular_file(target_status))
        throw Error(ErrorKind::runtime, "output " + name + ": not a regular file");
}

void read_output(const fs::path& root, const std::string& name, std::vector<NamedBuffer>& out) {
    const fs::path path = root / name;
    check_inside(root, path, name);
    // The readers' messages start with the path; the output's name is what the user wrote.
    try {
        if (ends_with(name, ".npy")) {
            out.push_back({name, read_npy(path.string())});
        } else if (ends_with(name, ".npz")) {
            for (auto& member : read_npz(path.string())) out.push_back({name + ":" + member.name, std::move(member.buffer)});
        } else {
            out.push_back({name, read_bytes(path, name)});
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::runtime) throw;
        std::string what = e.what();
        if (what.rfind(path.string(), 0) == 0) what = what.substr(path.string().size());
        if (what.rfind(": ", 0) == 0) what = what.substr(2);
        throw Error(ErrorKind::runtime, "output " + name + ": " + what);
    }
}

} // namespace

bool is_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

CollectedOutputs collect_outputs(const std::string& out_dir, const std::vector<std::string>& patterns) {
    CollectedOutputs result;
    const fs::path root(out_dir);
    std::vector<std::string> files;
    bool listed = false;
    std::set<std::string> taken;
    for (const auto& pattern : patterns) {
        std::vector<std::string> matches;
        if (!is_glob(pattern)) {
            std::error_code ec;
            if (fs::exists(fs::symlink_status(root / pattern, ec)) || fs::is_symlink(fs::symlink_status(root / pattern, ec)))
                matches.push_back(pattern);
        } else {
            if (!listed) {
                files = files_under(root);
                listed = true;
            }
            for (const auto& f : files)
                if (::fnmatch(pattern.c_str(), f.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) matches.push_back(f);
        }
        if (matches.empty()) result.missing.push_back(pattern);
        for (const auto& m : matches)
            if (taken.insert(m).second) read_output(root, m, result.files);
    }
    return result;
}

} // namespace detaudit
