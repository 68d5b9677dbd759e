#include "cell_outputs.hpp"
#include <cctype>
#include <fnmatch.h>
#include <string_view>
#include "exec/output_files.hpp"

namespace detaudit {
namespace {

bool names_its_outputs(const std::string& pattern) { return !is_glob(pattern) && !pattern.ends_with(".npz"); }

} // namespace

std::string path_safe(const std::string& name) {
    std::string out = name;
    for (char& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("._=,+-").find(c) == std::string_view::npos)
            c = '_';
    if (out.empty() || out == "." || out == "..") out = "_" + out;
    return out;
}

std::vector<std::string> declared_output_names(const OpSpec& op) {
    if (op.kind != "exec") return {""};
    std::vector<std::string> names;
    for (const auto& p : op.params.at("outputs"))
        if (names_its_outputs(p.get<std::string>())) names.push_back(p.get<std::string>());
    return names;
}

bool comes_from(const std::string& name, const std::string& pattern) {
    if (name == pattern) return true;
    const std::string file = name.substr(0, name.find(':'));
    return ::fnmatch(pattern.c_str(), file.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0;
}

} // namespace detaudit
