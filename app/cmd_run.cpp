// `detaudit run SCENARIO`: plan, check, run, report, exit code.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include "audit/baseline.hpp"
#include "audit/baseline_dumps.hpp"
#include "audit/runner.hpp"
#include "audit/shard.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "env/fingerprint.hpp"
#include "io/atomic_file.hpp"
#include "io/output_path.hpp"
#include "path_flag.hpp"
#include "report_formats.hpp"
#include "runs_flags.hpp"
#include "report/console_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/junit_reporter.hpp"
#include "report/report_reader.hpp"
#include "report/terminal_text.hpp"
#include "scenario/scenario_digest.hpp"
#include "scenario/scenario_parser.hpp"
#include "stop_signals.hpp"
#include "terminal.hpp"

namespace detaudit::app {
namespace {

struct RunFlags {
    std::string scenario;
    std::optional<int> runs;               // k_runs_auto: --runs auto
    AutoRuns auto_runs;                    // --confidence, --max-p, --max-runs
    std::vector<std::string> backends, require;
    std::string json_path, junit_path, dump_dir, color = "auto", shard, baseline, baseline_dumps;
    bool strict = false, quiet = false, verbose = false, keep_runs = false, no_exec = false;
    bool json_given = false, junit_given = false, shard_given = false;
    std::string markdown_path, html_path;
    bool markdown_given = false, html_given = false;
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

std::vector<NamedPath> report_paths(const RunFlags& flags) {
    std::vector<NamedPath> reports;
    if (flags.json_given) reports.push_back({"--json", flags.json_path});
    if (flags.junit_given) reports.push_back({"--junit", flags.junit_path});
    if (flags.markdown_given) reports.push_back({"--markdown", flags.markdown_path});
    if (flags.html_given) reports.push_back({"--html", flags.html_path});
    return reports;
}

void report_missing_baseline_cells(const std::vector<std::string>& missing) {
    if (missing.empty()) return;
    std::string list;
    for (const auto& cell : missing) list += (list.empty() ? "" : ", ") + cell;
    std::cerr << "detaudit: " << missing.size() << (missing.size() == 1 ? " cell is" : " cells are")
              << " missing from the --baseline report: " << escape_for_terminal(list) << "\n";
}

// Cells whose digest differs from the baseline's but that could not be measured against its
// dumps (a tolerance on them fails): one line, the first reason.
void report_unmeasured_baseline_cells(const BaselineDumps& dumps) {
    std::size_t count = 0;
    std::string first;
    for (const auto& [cell, m] : dumps.measurements())
        if (!m.diff && count++ == 0) first = cell + ": " + m.unmeasured;
    if (count == 0) return;
    std::cerr << "detaudit: " << count << (count == 1 ? " cell" : " cells")
              << " could not be measured against --baseline-dumps (" << escape_for_terminal(first) << ")\n";
}

// --baseline and --baseline-dumps, refused before any work starts: the saved report (of this
// scenario) and, when given, the dumps its cells are measured against.
struct Baseline {
    std::optional<AuditReport> report;
    std::optional<BaselineDumps> dumps;
};

void load_baseline(const RunFlags& flags, const Scenario& scenario, Baseline& out) {
    namespace fs = std::filesystem;
    if (!flags.baseline_dumps.empty()) {
        if (flags.baseline.empty())
            throw Error(ErrorKind::usage, "--baseline-dumps: needs --baseline REPORT.json (the report of the run "
                                          "that wrote these dumps)");
        std::error_code ec;
        if (!fs::is_directory(flags.baseline_dumps, ec))
            throw Error(ErrorKind::usage, "--baseline-dumps " + flags.baseline_dumps + ": not a directory");
        if (!flags.dump_dir.empty() && fs::equivalent(flags.dump_dir, flags.baseline_dumps, ec))
            throw Error(ErrorKind::usage, "--baseline-dumps " + flags.baseline_dumps + " is the --dump-dir: this run's "
                                          "dumps would replace the baseline's; give each its own directory");
    }
    if (flags.baseline.empty()) return;
    out.report = read_report(flags.baseline);
    check_baseline_scenario(*out.report, flags.baseline, scenario_digest(scenario));
    check_baseline_tolerances(scenario, !flags.baseline_dumps.empty());
    if (!flags.baseline_dumps.empty()) out.dumps.emplace(*out.report, flags.baseline_dumps);
}

int execute(const RunFlags& flags) {
    const Scenario scenario = parse_scenario_file(flags.scenario);
    if (flags.no_exec) refuse_exec(scenario);
    warn_unused_axes(scenario, flags.strict);
    RunOptions options;
    options.plan.runs = flags.runs;
    check_auto_settings(flags.auto_runs);
    options.plan.auto_runs = flags.auto_runs;
    options.plan.backends = check_backend_names(flags.backends, "--backend");
    options.require = check_backend_names(flags.require, "--require");
    options.strict = flags.strict;
    options.dump_dir = flags.dump_dir;
    if (flags.shard_given) options.plan.shard = parse_shard(flags.shard, "--shard");
    options.keep_runs = flags.keep_runs;
    // Everything that can be refused is refused before any work starts.
    const std::vector<NamedPath> reports = report_paths(flags);
    std::vector<NamedPath> inputs{{"the scenario file", flags.scenario}};
    if (!flags.baseline.empty()) inputs.push_back({"--baseline", flags.baseline});
    check_report_paths(reports, inputs, {"--dump-dir", flags.dump_dir});
    Baseline baseline;
    load_baseline(flags, scenario, baseline);
    if (baseline.dumps) options.baseline_dumps = &*baseline.dumps;
    if (!flags.dump_dir.empty()) prepare_writable_dir(flags.dump_dir, "--dump-dir");
    const Plan plan = make_plan(scenario, options.plan);
    if (plan.cells.empty() && !options.plan.shard) // a shard may hold no operation
        throw Error(ErrorKind::usage, "--backend: no operation of " + scenario.path + " runs on the selected backends");
    check_memory(scenario, plan, available_memory_bytes());

    const bool progress = !flags.quiet && stderr_is_terminal();
    if (progress) options.progress = show_progress;
    options.interrupt = &stop_requested(); // set by a stop signal since main started

    auto backends = make_compiled_backends();
    AuditReport report = run_audit(scenario, options, backends);
    report.scenario["scenario_digest"] = scenario_digest(scenario);
    if (options.plan.shard) report.shard = shard_info(scenario, *options.plan.shard);
    if (baseline.report) {
        report_missing_baseline_cells(
            apply_baseline(report, *baseline.report, flags.baseline, scenario, options.baseline_dumps));
        if (baseline.dumps) report_unmeasured_baseline_cells(*baseline.dumps);
    }
    if (progress) std::fprintf(stderr, "\r\033[K");

    // The report files first: a console cut short (`| head`, EPIPE) must not cost them. A report
    // that goes to stdout moves the console to stderr.
    std::string write_error;
    bool report_on_stdout = false;
    for (const auto& r : reports) {
        report_on_stdout = report_on_stdout || report_goes_to_stdout(r.path);
        try {
            write_report(r, render_format(r.name, report));
        } catch (const Error& e) {
            if (write_error.empty()) write_error = e.what();
        }
    }
    std::ostream& console = report_on_stdout ? std::cerr : std::cout;
    const bool color = use_color(flags.color);
    if (flags.quiet) console << render_summary_line(report, color) << "\n";
    else console << render_console(report, ConsoleOptions{color, flags.verbose});
    console.flush();
    if (!report.runs_dir.empty()) std::cerr << "detaudit: exec run directories kept in " << report.runs_dir << "\n";
    if (report.interrupted) std::cerr << "detaudit: interrupted; the report covers the runs completed\n";
    if (!write_error.empty()) throw Error(ErrorKind::runtime, write_error); // exit 4, after the console
    return report.summary.exit_code;
}

} // namespace

void add_run_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<RunFlags>();
    CLI::App* run = cli.add_subcommand("run", "Run a scenario: every op N times per backend and variant; "
                                              "report what reproduces bit for bit and how far the rest drifts");
    run->add_option("scenario", flags->scenario, "Scenario file (JSON, docs/scenario-format.md)")->required();
    run->add_option("--runs", flags->runs, "Runs per cell, overriding the scenario: 1 to 1000000, or auto (each cell "
                                           "stops once its expectation is decided or its clean runs bound the "
                                           "difference probability: --confidence, --max-p, --max-runs)")
        ->transform(runs_flag());
    add_auto_runs_flags(*run, flags->auto_runs);
    run->add_option("--backend", flags->backends, "Only these backends (comma-separated: cpu,cuda,host)")->delimiter(',');
    run->add_option("--json", flags->json_path, "Write the JSON report here (docs/report.schema.json); - is stdout")
        ->check(non_empty_path());
    run->add_option("--junit", flags->junit_path, "Write a JUnit XML report here (one testcase per op x backend x axis)")
        ->check(non_empty_path());
    run->add_option("--markdown", flags->markdown_path,
                    "Write GitHub-flavoured Markdown here (fits $GITHUB_STEP_SUMMARY, at most 1 MB); - is stdout")
        ->check(non_empty_path());
    run->add_option("--html", flags->html_path, "Write one self-contained HTML page here (charts inline, no network)")
        ->check(non_empty_path());
    run->add_option("--dump-dir", flags->dump_dir,
                    "Write each op's inputs and, for cells whose runs differ (or whose op states a baseline "
                    "tolerance), the reference and first differing output as .npy files here; exec runs keep their stdout.txt and stderr.txt here");
    run->add_option("--shard", flags->shard,
                    "Run only shard K of N (1-based, e.g. 2/4): whole operations, assigned by hashing their "
                    "ids; join the shards' --json reports with `detaudit merge` (docs/fleet.md)");
    run->add_option("--baseline", flags->baseline,
                    "Also compare every cell with the matching cell of this saved --json report (its digest) and "
                    "judge the scenario's \"baseline\" expectation (default identical); a report of another "
                    "scenario is exit 2")
        ->check(non_empty_path());
    run->add_option("--baseline-dumps", flags->baseline_dumps,
                    "The --dump-dir of the --baseline run: each cell whose digest differs is measured against "
                    "its dumped reference (ULP, abs, rel), so a \"baseline\" tolerance is judged on values; "
                    "required by such a tolerance")
        ->check(non_empty_path());
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
    run->callback([flags, run, &action] {
        flags->json_given = run->count("--json") > 0;
        flags->junit_given = run->count("--junit") > 0;
        flags->markdown_given = run->count("--markdown") > 0;
        flags->html_given = run->count("--html") > 0;
        flags->shard_given = run->count("--shard") > 0;
        action = [flags] { return execute(*flags); };
    });
}

} // namespace detaudit::app
