// `detaudit report REPORT.json --markdown PATH --html PATH`: renders a saved JSON report.
#include "commands.hpp"
#include "common/error.hpp"
#include "io/output_path.hpp"
#include "path_flag.hpp"
#include "report/report_reader.hpp"
#include "report_formats.hpp"

namespace detaudit::app {
namespace {

struct ReportFlags {
    std::string report;
    std::string markdown_path, html_path;
    bool markdown_given = false, html_given = false;
};

int execute(const ReportFlags& flags) {
    std::vector<NamedPath> outputs;
    if (flags.markdown_given) outputs.push_back({"--markdown", flags.markdown_path});
    if (flags.html_given) outputs.push_back({"--html", flags.html_path});
    if (outputs.empty())
        throw Error(ErrorKind::usage, "report: give --markdown PATH, --html PATH or both");
    check_report_paths(outputs, {{"the report", flags.report}});
    const AuditReport report = read_report(flags.report);
    const std::string error = write_reports(outputs, report);
    if (!error.empty()) throw Error(ErrorKind::runtime, error);
    return exit_code::k_ok;
}

} // namespace

void add_report_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<ReportFlags>();
    CLI::App* cmd = cli.add_subcommand(
        "report", "Render a saved JSON report (from run --json) as Markdown or HTML");
    cmd->add_option("report", flags->report, "JSON report written by detaudit run --json")
        ->required();
    cmd->add_option("--markdown", flags->markdown_path,
                    "Write GitHub-flavoured Markdown here (fits $GITHUB_STEP_SUMMARY, at most 1 "
                    "MB); - is stdout")
        ->check(non_empty_path());
    cmd->add_option("--html", flags->html_path,
                    "Write one self-contained HTML page here (charts inline, no network)")
        ->check(non_empty_path());
    cmd->callback([flags, cmd, &action] {
        flags->markdown_given = cmd->count("--markdown") > 0;
        flags->html_given = cmd->count("--html") > 0;
        action = [flags] { return execute(*flags); };
    });
}

} // namespace detaudit::app
