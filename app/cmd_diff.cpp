// `detaudit diff A.json B.json [C.json ...]`: reports of one scenario from different machines or
// versions, cell by cell against the first (lib/audit/report_diff); exit 0 when every cell
// expected identical matches, 1 otherwise, 2 on bad input.
#include <iostream>
#include "audit/report_diff.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "io/output_path.hpp"
#include "path_flag.hpp"
#include "report/diff_reporter.hpp"
#include "report/report_reader.hpp"

namespace detaudit::app {
namespace {

struct DiffFlags {
    std::vector<std::string> inputs, dumps;
    std::string json_path, markdown_path;
    bool json_given = false, markdown_given = false;
};

int execute(const DiffFlags& flags) {
    std::vector<NamedPath> inputs, outputs;
    for (const auto& path : flags.inputs) inputs.push_back({"report " + path, path});
    if (flags.json_given) outputs.push_back({"--json", flags.json_path});
    if (flags.markdown_given) outputs.push_back({"--markdown", flags.markdown_path});
    check_report_paths(outputs, inputs);
    std::vector<AuditReport> read = read_reports(flags.inputs);
    std::vector<NamedReport> reports;
    for (std::size_t i = 0; i < read.size(); ++i) reports.push_back({flags.inputs[i], std::move(read[i])});
    const ReportDiff diff = diff_reports(reports, flags.dumps);
    bool on_stdout = false;
    for (const auto& o : outputs) {
        on_stdout = on_stdout || report_goes_to_stdout(o.path);
        write_report(o, o.name == "--json" ? render_diff_json(diff) : render_diff_markdown(diff));
    }
    (on_stdout ? std::cerr : std::cout) << render_diff_console(diff) << std::flush;
    return diff.exit_code;
}

} // namespace

void add_diff_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<DiffFlags>();
    CLI::App* diff = cli.add_subcommand(
        "diff", "Compare JSON reports of one scenario from different machines or versions, cell by cell "
                "(operation, output, backend, variant), with the environment differences that can explain a change");
    diff->add_option("reports", flags->inputs, "Two reports or more (run --json); each is compared with the first")
        ->required()
        ->expected(2, -1);
    diff->add_option("--dumps", flags->dumps,
                     "One run --dump-dir per report, in the same order: ULP/abs/rel statistics between the dumped "
                     "reference outputs of differing cells")
        ->expected(2, -1);
    diff->add_option("--json", flags->json_path, "Write the diff as JSON here (docs/diff.schema.json); - is stdout")
        ->type_name("PATH")
        ->check(non_empty_path());
    diff->add_option("--markdown", flags->markdown_path, "Write the diff as GitHub-flavoured Markdown here; - is stdout")
        ->type_name("PATH")
        ->check(non_empty_path());
    diff->footer("A cell is expected identical when its run_to_run expectation (or a stated baseline one) is "
                 "\"identical\".\nExit codes: 0 every cell expected identical matches, 1 one does not, 2 bad input "
                 "(reports of\ndifferent scenarios or schema versions, unreadable or truncated reports).");
    diff->callback([flags, diff, &action] {
        flags->json_given = diff->count("--json") > 0;
        flags->markdown_given = diff->count("--markdown") > 0;
        action = [flags] { return execute(*flags); };
    });
}

} // namespace detaudit::app
