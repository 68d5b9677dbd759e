// `detaudit run SCENARIO`: plan, check, run, report, exit code.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include "audit/runner.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "env/fingerprint.hpp"
#include "exec/process.hpp"
#include "io/atomic_file.hpp"
#include "report/console_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/junit_reporter.hpp"
#include "report/terminal_text.hpp"
#include "scenario/scenario_parser.hpp"
#include "terminal.hpp"

namespace detaudit::app {
namespace {

std::atomic<bool> g_interrupted{false};
constexpr int k_stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

// SIGINT (Ctrl-C), SIGTERM (a cancelled CI job) and SIGHUP (a closed terminal) ask for a clean
// stop: the running exec program is killed, the reports are written, exit 130. A second one ends
// detaudit at once, and the running program's process group with it (it is not in detaudit's
// group, so nothing else would).
extern "C" void on_stop_signal(int signal_number) {
    if (g_interrupted.exchange(true)) {
        kill_running_program();
        std::signal(signal_number, SIG_DFL);
        std::raise(signal_number);
    }
}
struct RunFlags {
    std::string scenario;
    int runs = 0;
    std::vector<std::string> backends, require;
    std::string json_path, junit_path, dump_dir, color = "auto";
    bool strict = false, quiet = false, verbose = false, keep_runs = false, no_exec = false;
};

std::vector<std::string> check_backend_names(const std::vector<std::string>& names, const std::string& flag) {
    for (const auto& n : names)
        if (n != "cpu" && n != "cuda" && n != "host")
            throw Error(ErrorKind::usage, flag + ": unknown backend \"" + n + "\" (valid: cpu, cuda, host)");
    return names;
}

void show_progress(const Progress& p) {
    std::fprintf(stderr, "\r\033[K[%zu/%zu] %s %s %s run %d/%d", p.cell, p.cells, p.op.c_str(), p.backend.c_str(),
                 escape_for_terminal(p.variant).c_str(), p.run, p.runs);
    std::fflush(stderr);
}

int execute(const RunFlags& flags) {
    const Scenario scenario = parse_scenario_file(flags.scenario);
    if (flags.no_exec) refuse_exec(scenario);
    warn_unused_axes(scenario, flags.strict);
    RunOptions options;
    if (flags.runs > 0) options.plan.runs = flags.runs;
    options.plan.backends = check_backend_names(flags.backends, "--backend");
    options.require = check_backend_names(flags.require, "--require");
    options.strict = flags.strict;
    options.dump_dir = flags.dump_dir;
    options.keep_runs = flags.keep_runs;
    // Everything that can be refused is refused before any work starts.
    if (!flags.json_path.empty()) check_file_writable(flags.json_path, "--json");
    if (!flags.junit_path.empty()) check_file_writable(flags.junit_path, "--junit");
    if (!flags.dump_dir.empty()) prepare_writable_dir(flags.dump_dir, "--dump-dir");
    const Plan plan = make_plan(scenario, options.plan);
    if (plan.cells.empty())
        throw Error(ErrorKind::usage, "--backend: no operation of " + scenario.path + " runs on the selected backends");
    check_memory(scenario, plan, available_memory_bytes());

    const bool progress = !flags.quiet && stderr_is_terminal();
    if (progress) options.progress = show_progress;
    options.interrupt = &g_interrupted;
    for (int sig : k_stop_signals) std::signal(sig, on_stop_signal);

    auto backends = make_compiled_backends();
    const AuditReport report = run_audit(scenario, options, backends);
    for (int sig : k_stop_signals) std::signal(sig, SIG_DFL);
    if (progress) std::fprintf(stderr, "\r\033[K");

    const bool color = use_color(flags.color);
    if (flags.quiet) std::cout << render_summary_line(report, color) << "\n";
    else std::cout << render_console(report, ConsoleOptions{color, flags.verbose});
    std::cout.flush();
    if (!flags.json_path.empty()) write_file_atomically(flags.json_path, render_json(report));
    if (!flags.junit_path.empty()) write_file_atomically(flags.junit_path, render_junit(report));
    if (!report.runs_dir.empty()) std::cerr << "detaudit: exec run directories kept in " << report.runs_dir << "\n";
    if (report.interrupted) std::cerr << "detaudit: interrupted; the report covers the runs completed\n";
    return report.summary.exit_code;
}

} // namespace

void add_run_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<RunFlags>();
    CLI::App* run = cli.add_subcommand("run", "Run a scenario: every op N times per backend and variant; "
                                              "report what reproduces bit for bit and how far the rest drifts");
    run->add_option("scenario", flags->scenario, "Scenario file (JSON, docs/scenario-format.md)")->required();
    run->add_option("--runs", flags->runs, "Runs per cell, overriding the scenario (>= 1)")
        ->check(CLI::Range(1, 1000000));
    run->add_option("--backend", flags->backends, "Only these backends (comma-separated: cpu,cuda,host)")->delimiter(',');
    run->add_option("--json", flags->json_path, "Write the JSON report here (docs/report.schema.json)");
    run->add_option("--junit", flags->junit_path, "Write a JUnit XML report here (one testcase per op x backend x axis)");
    run->add_option("--dump-dir", flags->dump_dir,
                    "Write each op's inputs and, for cells whose runs differ, the reference and first differing "
                    "output as .npy files here; exec runs keep their stdout.txt and stderr.txt here");
    run->add_option("--require", flags->require,
                    "Exit 3 if this backend is unavailable (comma-separated or repeated)")->delimiter(',');
    run->add_flag("--keep-runs", flags->keep_runs,
                  "Keep each exec run's {out} directory (under --dump-dir, else in a temporary directory that is printed)");
    run->add_flag("--no-exec", flags->no_exec,
                  "Refuse scenarios with exec operations (exit 2): for scenarios you did not write");
    run->add_flag("--strict", flags->strict, "Every comparison axis expects identical unless the scenario says otherwise, "
                  "and a varied axis that applies to no operation is an error (exit 2)");
    run->add_flag("--quiet,-q", flags->quiet, "Print only the summary line (and no progress)");
    run->add_flag("--verbose,-v", flags->verbose, "Print per-cell details: first differences, ULP histograms, p_diff_95");
    run->add_option("--color", flags->color, "Colour the console report: auto (a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    run->callback([flags, &action] { action = [flags] { return execute(*flags); }; });
}

} // namespace detaudit::app
