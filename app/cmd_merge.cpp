// `detaudit merge R1.json ... RN.json -o full.json`: shard reports (run --shard K/N) joined into
// the report an unsharded run writes (lib/audit/merge_reports); exit code as that run's.
#include <iostream>
#include "audit/merge_reports.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "io/output_path.hpp"
#include "path_flag.hpp"
#include "report/console_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/report_reader.hpp"

namespace detaudit::app {
namespace {

struct MergeFlags {
    std::vector<std::string> inputs;
    std::string output;
    bool quiet = false;
};

int execute(const MergeFlags& flags) {
    std::vector<NamedPath> inputs;
    for (const auto& path : flags.inputs) inputs.push_back({"shard report " + path, path});
    check_report_paths({{"-o", flags.output}}, inputs);
    // Every file is read and every check made before anything is written.
    std::vector<std::string> texts;
    std::vector<AuditReport> read = read_reports(flags.inputs, &texts);
    std::vector<ShardReport> shards;
    for (std::size_t i = 0; i < read.size(); ++i) shards.push_back({flags.inputs[i], std::move(read[i]), texts[i]});
    // Each operation is copied as its shard wrote it: rendering them again costs as much as parsing.
    std::vector<std::string_view> operation_texts;
    const AuditReport merged = merge_shard_reports(std::move(shards), &operation_texts);
    write_report({"-o", flags.output}, render_json(merged, operation_texts));
    std::ostream& console = report_goes_to_stdout(flags.output) ? std::cerr : std::cout;
    if (flags.quiet) console << render_summary_line(merged, false) << "\n";
    else console << render_console(merged, ConsoleOptions{false, false});
    return merged.summary.exit_code;
}

} // namespace

void add_merge_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<MergeFlags>();
    CLI::App* merge = cli.add_subcommand(
        "merge", "Join the JSON reports of `run --shard K/N` (every K of one N, one scenario) into the report an "
                 "unsharded run writes, keeping every machine's environment (docs/fleet.md)");
    merge->add_option("reports", flags->inputs, "The shard reports (run --shard K/N --json)")->required();
    merge->add_option("-o,--output", flags->output, "Write the merged JSON report here; - is stdout")
        ->required()
        ->type_name("PATH")
        ->check(non_empty_path());
    merge->add_flag("--quiet,-q", flags->quiet, "Print only the merged report's summary line");
    merge->footer("Refused (exit 2, nothing written): a report that is no shard, shards of another scenario digest "
                  "or N, a shard\ngiven twice or missing, an operation or cell in two shards, truncated or "
                  "unreadable reports.\nOtherwise the exit code is the merged report's, as `run` gives it.");
    merge->callback([flags, &action] { action = [flags] { return execute(*flags); }; });
}

} // namespace detaudit::app
