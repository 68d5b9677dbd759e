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

// Every entry under `root` but real directories (files, and links under their own names: a glob
// that matches a link reports it, refused or not), relative, sorted. Directory links are not
// followed.
std::vector<std::string> files_under(const fs::path& root) {
    std::vector<std::string> out;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::file_status st = it->symlink_status(ec);
        if (ec) break;
        if (fs::is_directory(st)) continue;
        const std::string rel = it->path().lexically_relative(root).generic_string();
        if (!rel.empty()) out.push_back(rel);
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

// A program may leave links in {out}, on the file or on a directory of its path; what the path
// resolves to must still be inside {out}, and be a regular file.
void check_inside(const fs::path& root, const fs::path& path, const std::string& name) {
    std::error_code ec;
    const fs::path target = fs::canonical(path, ec);
    if (ec) throw Error(ErrorKind::runtime, "output " + name + ": cannot be resolved: " + ec.message());
    const fs::path base = fs::canonical(root, ec);
    if (ec) throw Error(ErrorKind::runtime, "output " + name + ": {out} cannot be resolved: " + ec.message());
    const fs::path rel = target.lexically_relative(base);
    if (rel.empty() || *rel.begin() == "..")
        throw Error(ErrorKind::runtime, "output " + name + ": resolves through a symbolic link to " + target.string() +
                                            ", outside {out}: refused");
    if (!fs::is_regular_file(fs::status(target, ec)))
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

std::string output_file(const std::string& name) {
    const auto member = name.find(".npz:");
    return member == std::string::npos ? name : name.substr(0, member + 4);
}

bool pattern_matches_output(const std::string& pattern, const std::string& name) {
    return name == pattern || ::fnmatch(pattern.c_str(), output_file(name).c_str(), FNM_PATHNAME | FNM_PERIOD) == 0;
}

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
            if (fs::exists(fs::symlink_status(root / pattern, ec))) // a dangling link too: it is refused by name
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
        for (const auto& m : matches) {
            if (!taken.insert(m).second) continue;
            try {
                read_output(root, m, result.files);
            } catch (const Error& e) {
                result.failed.push_back({m, e.what()});
            }
        }
    }
    return result;
}

} // namespace detaudit
