#include "cell_outputs.hpp"
#include <algorithm>
#include <cctype>
#include <span>
#include <string_view>
#include "compare/digest.hpp"
#include "exec/output_files.hpp"

namespace detaudit {
namespace {

bool names_its_outputs(const std::string& pattern) { return !is_glob(pattern) && !pattern.ends_with(".npz"); }

} // namespace

std::string path_safe(const std::string& name) {
    constexpr std::size_t k_max_length = 80;
    std::string out = name;
    for (char& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("._=,+-").find(c) == std::string_view::npos)
            c = '_';
    if (out.empty() || out == "." || out == "..") out = "_" + out;
    // Two names must not share a directory ("a/b" and "a_b"), nor may one be too long for it.
    if (out != name || out.size() > k_max_length)
        out = out.substr(0, k_max_length) + "-" + digest_bytes(std::as_bytes(std::span(name.data(), name.size()))).substr(0, 8);
    return out;
}

std::vector<std::string> declared_output_names(const OpSpec& op) {
    if (op.kind != "exec") return {""};
    std::vector<std::string> names;
    for (const auto& p : op.params.at("outputs"))
        if (names_its_outputs(p.get<std::string>())) names.push_back(p.get<std::string>());
    return names;
}

void order_as_declared(const OpSpec& op, std::vector<std::string>& names) {
    if (op.kind != "exec") return;
    std::vector<std::string> patterns;
    for (const auto& p : op.params.at("outputs")) patterns.push_back(p.get<std::string>());
    auto rank = [&](const std::string& name) {
        for (std::size_t i = 0; i < patterns.size(); ++i)
            if (pattern_matches_output(patterns[i], name)) return i;
        return patterns.size();
    };
    // Within a pattern, files by name (what a glob's listing gives), and an archive's members as
    // they were seen: in archive order.
    std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
        const std::size_t ra = rank(a), rb = rank(b);
        return ra != rb ? ra < rb : output_file(a) < output_file(b);
    });
}

} // namespace detaudit
