#include "backends/host_trace.hpp"
#include <cstdlib>
#include <filesystem>
#include "common/error.hpp"
#include "trace/helper_location.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

constexpr const char* k_trace_file = "trace.jsonl";

void move_path(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::remove_all(to, ec);
    fs::rename(from, to, ec);
    if (ec) throw Error(ErrorKind::runtime, "cannot keep the trace " + from.string() + ": " + ec.message());
}

} // namespace

bool trace_enabled(const OpSpec& op) { return op.kind == "exec" && op.params.value("trace", false); }

std::string kept_trace(const std::string& run_dir) { return (fs::path(run_dir) / k_trace_file).string(); }

void add_trace_environment(const OpSpec& op, const std::string& out_dir,
                           std::map<std::string, std::optional<std::string>>& env) {
    if (!trace_enabled(op)) return;
    env["DETAUDIT_TRACE"] = (fs::path(out_dir) / k_trace_file).string();
    const std::string helper = trace::trace_helper_path();
    if (helper.empty()) return;
    // After the user's own path (the op's env, else detaudit's), so their copy of the helper wins.
    std::string python_path;
    if (auto it = env.find("PYTHONPATH"); it != env.end()) python_path = it->second.value_or("");
    else if (const char* inherited = std::getenv("PYTHONPATH")) python_path = inherited;
    const std::string dir = fs::path(helper).parent_path().string();
    env["PYTHONPATH"] = python_path.empty() ? dir : python_path + ":" + dir;
}

void keep_run_trace(const OpSpec& op, const std::string& out_dir, const std::string& run_dir) {
    if (!trace_enabled(op)) return;
    const fs::path trace = fs::path(out_dir) / k_trace_file;
    std::error_code ec;
    // Not followed: a link named trace.jsonl could point anywhere outside {out}.
    if (!fs::is_regular_file(fs::symlink_status(trace, ec)))
        throw Error(ErrorKind::runtime, "the program wrote no trace at {out}/trace.jsonl (\"trace\": true: it must write the file "
                      "named by DETAUDIT_TRACE, e.g. with python/detaudit_trace.py; docs/trace.md)");
    move_path(trace, kept_trace(run_dir));
    const fs::path values = fs::path(out_dir) / (std::string(k_trace_file) + ".values");
    if (fs::is_directory(fs::symlink_status(values, ec))) move_path(values, kept_trace(run_dir) + ".values");
}

} // namespace detaudit
