#include "host_backend.hpp"
#include <filesystem>
#include <thread>
#include "audit/trace_divergence.hpp"
#include "env/fingerprint.hpp"
#include "exec/output_files.hpp"
#include "exec/placeholders.hpp"
#include "exec/process.hpp"
#include "scenario/axes.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

// Braces stay bare ({out} reads as a placeholder) unless bash would brace-expand them: a comma or
// ".." with a brace.
std::string shell_quote(const std::string& arg) {
    const bool expands = arg.find('{') != std::string::npos &&
                         (arg.find(',') != std::string::npos || arg.find("..") != std::string::npos);
    if (!arg.empty() && !expands &&
        arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,@{}%") ==
            std::string::npos)
        return arg;
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The last non-empty lines of a captured stream, at most `lines`.
std::string last_lines(const std::string& text, std::size_t lines) {
    std::vector<std::string> kept;
    std::size_t end = text.size();
    while (end > 0 && kept.size() < lines) {
        const std::size_t start = text.rfind('\n', end - 1);
        const std::size_t from = start == std::string::npos ? 0 : start + 1;
        std::string line = text.substr(from, end - from);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) kept.insert(kept.begin(), line);
        if (start == std::string::npos) break;
        end = start;
    }
    std::string out;
    for (const auto& l : kept) out += (out.empty() ? "" : "\n") + l;
    return out;
}

} // namespace

std::string describe_command(const nlohmann::json& argv) {
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a.get<std::string>());
    return out;
}

std::map<std::string, std::optional<std::string>> exec_environment(const OpSpec& op, const Variant& variant) {
    std::map<std::string, std::optional<std::string>> env;
    for (auto& [name, value] : op.params.at("env").items()) env[name] = value.get<std::string>();
    for (auto& [axis, value] : variant.settings.items())
        if (is_env_axis(axis)) {
            const std::string name = axis.substr(std::string_view(k_env_axis_prefix).size());
            if (value.is_null()) env[name] = std::nullopt;
            else env[name] = value.get<std::string>();
        }
    return env;
}

BackendProbe HostBackend::probe() {
    BackendProbe p;
    p.available = true;
    p.device = "external programs on this machine (" + cpu_model_name() + ")";
    return p;
}

double HostBackend::run(const OpSpec& op, const Variant&, Buffer&) {
    throw Error(ErrorKind::runtime, "host backend: " + op.kind + " is not an exec operation");
}

RunOutputs HostBackend::run_named(const OpSpec& op, const Variant& variant, const RunContext& context) {
    const fs::path run_dir = context.run_dir;
    const fs::path out_dir = run_dir / "out";
    std::error_code ec;
    // A previous audit into the same --dump-dir may have left this run's {out}: its files must
    // not pass for this run's.
    fs::remove_all(out_dir, ec);
    if (ec) throw Error(ErrorKind::runtime, "cannot empty the run directory " + out_dir.string() + ": " + ec.message());
    fs::create_directories(out_dir, ec);
    if (ec) throw Error(ErrorKind::runtime, "cannot create the run directory " + out_dir.string() + ": " + ec.message());

    const std::map<std::string, std::string> values = {
        {"out", fs::absolute(out_dir).string()}, {"run", std::to_string(context.run)}, {"variant", variant.name}};
    ProcessSpec spec;
    for (const auto& a : op.params.at("command")) spec.argv.push_back(expand_placeholders(a.get<std::string>(), values));
    for (auto& [name, value] : exec_environment(op, variant))
        spec.env[name] = value ? std::optional(expand_placeholders(*value, values)) : std::nullopt;
    add_trace_environment(op, values.at("out"), spec.env); // "trace": true only
    const fs::path cwd = fs::path(op.base_dir) / op.params.at("cwd").get<std::string>();
    if (!fs::is_directory(cwd, ec))
        throw Error(ErrorKind::runtime, "cwd " + cwd.string() + " is not a directory");
    spec.cwd = cwd.string();
    spec.timeout_s = op.params.at("timeout_s").get<double>();
    spec.stdout_path = (run_dir / "stdout.txt").string();
    spec.stderr_path = (run_dir / "stderr.txt").string();
    spec.interrupt = context.interrupt;

    const ProcessResult result = run_process(spec);
    const std::string run_label = "run " + std::to_string(context.run) + ": ";
    if (!result.succeeded()) {
        std::string tail = last_lines(result.stderr_tail, 20);
        if (tail.empty()) tail = last_lines(result.stdout_tail, 20);
        const std::string last = last_lines(tail, 1);
        std::string message = run_label + shell_quote(spec.argv[0]) + " " + result.describe_end(spec.timeout_s);
        if (!last.empty()) message += "; stderr ends: " + last;
        if (!context.keep_run_files) fs::remove_all(out_dir, ec);
        throw RunFailure(message, tail);
    }
    RunOutputs outputs;
    outputs.seconds = result.wall_s;
    std::vector<std::string> patterns;
    for (const auto& p : op.params.at("outputs")) patterns.push_back(p.get<std::string>());
    try {
        keep_run_trace(op, out_dir.string(), run_dir.string()); // "trace": true only
        CollectedOutputs collected = collect_outputs(out_dir.string(), patterns);
        outputs.outputs = std::move(collected.files);
        outputs.missing = std::move(collected.missing);
        for (auto& f : collected.failed) outputs.failed.emplace_back(f.name, run_label + f.reason);
    } catch (const Error& e) {
        if (!context.keep_run_files) fs::remove_all(out_dir, ec);
        throw Error(ErrorKind::runtime, run_label + e.what());
    }
    if (!context.keep_run_files) fs::remove_all(out_dir, ec);
    return outputs;
}

} // namespace detaudit
