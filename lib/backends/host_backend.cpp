#include "host_backend.hpp"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include "backends/host_trace.hpp"
#include "env/fingerprint.hpp"
#include "exec/dir_fd.hpp"
#include "exec/output_files.hpp"
#include "exec/placeholders.hpp"
#include "exec/process.hpp"
#include "report/terminal_text.hpp"
#include "scenario/axes.hpp"

namespace fs = std::filesystem;

namespace detaudit {
namespace {

// Braces stay bare ({out} reads as a placeholder) unless bash would brace-expand them: a comma or
// ".." with a brace.
std::string shell_quote(const std::string& arg) {
    // Control characters (an ESC in an argument) would act on the terminal that shows the
    // command: bash's $'...' spells them as escapes and still pastes as the same argument.
    if (escape_for_terminal(arg) != arg) {
        std::string plain;
        for (char c : arg) plain += c == '\\' ? "\\\\" : c == '\'' ? "\\'" : std::string(1, c);
        return "$'" + escape_for_terminal(plain) + "'";
    }
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

// An exit status that means "cannot run here" (CTest's SKIP_RETURN_CODE, automake's skip).
constexpr int k_skip_status = 77;

// A reason travels as a C string (Error::what()): a NUL byte from a program's stderr would cut
// it, so it is written out instead.
std::string printable_nul(std::string text) {
    for (std::size_t pos = 0; (pos = text.find('\0', pos)) != std::string::npos; pos += 4) text.replace(pos, 1, "\\x00");
    return text;
}

// The run directory and {out}, both held open from before the program starts: outputs are read
// beneath this {out}, whatever the program does to the path.
struct RunDirectory {
    UniqueFd run, out;
};

RunDirectory prepare_run_directory(const fs::path& run_dir) {
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec) throw Error(ErrorKind::runtime, "cannot create the run directory " + run_dir.string() + ": " + ec.message());
    RunDirectory dir;
    dir.run = open_directory(run_dir.string());
    if (!dir.run) throw Error(ErrorKind::runtime, "cannot open the run directory " + run_dir.string() + ": " + std::strerror(errno));
    // A previous audit into the same --dump-dir may have left this run's {out}: its files must
    // not pass for this run's.
    if (!remove_tree_at(dir.run.get(), "out") || ::mkdirat(dir.run.get(), "out", 0755) != 0)
        throw Error(ErrorKind::runtime, "cannot empty the run directory " + (run_dir / "out").string() + ": " + std::strerror(errno));
    dir.out = UniqueFd(::openat(dir.run.get(), "out", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.out) throw Error(ErrorKind::runtime, "cannot open " + (run_dir / "out").string() + ": " + std::strerror(errno));
    return dir;
}

// What is now where {out} was.
std::string describe_replacement(int run_fd) {
    struct stat st {};
    if (::fstatat(run_fd, "out", &st, AT_SYMLINK_NOFOLLOW) != 0) return "removed";
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        const ssize_t n = ::readlinkat(run_fd, "out", target, sizeof target - 1);
        return "replaced by a symbolic link (to " + (n < 0 ? std::string("?") : std::string(target, static_cast<std::size_t>(n))) + ")";
    }
    return S_ISDIR(st.st_mode) ? "replaced by another directory" : "replaced by a file";
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
    const RunDirectory dir = prepare_run_directory(run_dir);
    const std::map<std::string, std::string> values = {
        {"out", fs::absolute(out_dir).string()}, {"run", std::to_string(context.run)}, {"variant", variant.name}};
    ProcessSpec spec;
    for (const auto& a : op.params.at("command")) spec.argv.push_back(expand_placeholders(a.get<std::string>(), values));
    for (auto& [name, value] : exec_environment(op, variant))
        spec.env[name] = value ? std::optional(expand_placeholders(*value, values)) : std::nullopt;
    std::error_code ec;
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
    // {out} goes unless --keep-runs; removed beneath the run directory's descriptor, so a link the
    // program left in its place is removed, not followed.
    auto clean = [&] {
        if (!context.keep_run_files) remove_tree_at(dir.run.get(), "out");
    };
    const std::string run_label = "run " + std::to_string(context.run) + ": ";
    std::string tail = printable_nul(last_lines(result.stderr_tail, 20));
    if (tail.empty()) tail = printable_nul(last_lines(result.stdout_tail, 20));
    const std::string program = shell_quote(spec.argv[0]);
    if (result.end == ProcessResult::End::exited && result.exit_status == k_skip_status) {
        clean();
        const std::string said = printable_nul(last_lines(last_lines(result.stderr_tail, 20), 1));
        if (context.run == 1)
            throw RunSkipped(said.empty() ? program + " exited with status 77 (skip) and gave no reason on stderr" : said);
        throw RunFailure(run_label + program + " exited with status 77 (skip) after run 1 ran: a program that skips must "
                                               "skip from its first run" + (said.empty() ? "" : "; stderr ends: " + said),
                         tail);
    }
    if (!result.succeeded()) {
        const std::string last = last_lines(tail, 1);
        std::string message = run_label + program + " " + result.describe_end(spec.timeout_s);
        if (!last.empty()) message += "; stderr ends: " + last;
        clean();
        throw RunFailure(message, tail);
    }
    if (!same_entry(dir.run.get(), "out", dir.out.get())) {
        const std::string what = describe_replacement(dir.run.get());
        clean();
        throw RunFailure(run_label + "{out} was " + what + " while " + program +
                             " ran (write into {out}; do not remove or replace it): its outputs are not read",
                         tail);
    }
    RunOutputs outputs;
    outputs.seconds = result.wall_s;
    std::vector<std::string> patterns;
    for (const auto& p : op.params.at("outputs")) patterns.push_back(p.get<std::string>());
    try {
        keep_run_trace(op, out_dir.string(), run_dir.string()); // "trace": true only, after {out} was checked
        // Spooled beside {out}, which goes below: run 1's files stay as the cell's reference
        // and later runs are compared with them a piece at a time, never whole in memory.
        CollectedOutputs collected = collect_outputs(dir.out.get(), patterns, run_dir.string());
        for (auto& f : collected.spooled) outputs.outputs.push_back({f.name, StoredOutput(std::move(f.array))});
        outputs.missing = std::move(collected.missing);
        for (auto& f : collected.failed) outputs.failed.emplace_back(f.name, run_label + f.reason);
    } catch (const Error& e) {
        clean();
        throw Error(ErrorKind::runtime, run_label + e.what());
    }
    clean();
    return outputs;
}

} // namespace detaudit
