// `detaudit trace-diff A B`: aligns two trace files (docs/trace.md) and names the first divergence
// and its root; exit 0 identical, 1 they differ, 2 bad input (missing, truncated, malformed).
#include <iostream>
#include <fmt/format.h>
#include "commands.hpp"
#include "common/error.hpp"
#include "io/output_path.hpp"
#include "path_flag.hpp"
#include "report/terminal_text.hpp"
#include "trace/trace_align.hpp"
#include "trace/trace_json.hpp"

namespace detaudit::app {
namespace {

struct TraceDiffFlags {
    std::string a, b, json_path;
};

std::string metric_text(const trace::DifferingRecord& r) {
    if (!r.stats) return r.values_a.empty() || r.values_b.empty() ? "-" : "unreadable";
    if (r.stats->shape_mismatch) return r.stats->mismatch_detail;
    if (r.stats->raw_bytes) return fmt::format("{} bytes differ", r.stats->differing_elements);
    return fmt::format("{} ULP, abs {:.3g}, rel {:.3g}", r.stats->max_ulp, r.stats->max_abs, r.stats->max_rel);
}

std::string render_console(const trace::TraceDivergence& d) {
    std::string out = fmt::format("A: {} ({} records)\nB: {} ({} records)\n", d.path_a, d.records_a, d.path_b,
                                  d.records_b);
    out += (d.identical() ? "" : "Divergence: ") + trace::describe_divergence(d) + "\n";
    if (d.table.empty()) return out;
    out += fmt::format("\n{:>10}  {:<12}  {:<40}  {}\n", "#", "inputs", "name", "values");
    for (const trace::DifferingRecord& r : d.table) {
        const bool root = d.root && d.root->seq == r.seq;
        // Only the first and the root have their values compared (docs/trace.md, Limits).
        const bool measured = (d.first && d.first->seq == r.seq) || root;
        const std::string metrics = measured ? metric_text(root ? *d.root : *d.first) : "-";
        out += fmt::format("{:>10}  {:<12}  {:<40}  {}{}\n", r.seq, trace::inputs_match_name(r.inputs), r.name,
                           metrics, root ? "  <- root" : "");
    }
    if (d.differing > d.table.size())
        out += fmt::format("... and {} more differing records\n", d.differing - d.table.size());
    return out;
}

int execute(const TraceDiffFlags& flags) {
    if (!flags.json_path.empty())
        check_report_paths({{"--json", flags.json_path}}, {{"trace A", flags.a}, {"trace B", flags.b}});
    const trace::TraceDivergence d = trace::align_traces(flags.a, flags.b);
    // The report file first: a console cut short (`| head`) must not cost it.
    if (!flags.json_path.empty()) {
        nlohmann::json j = trace::divergence_json(d);
        j["detaudit_trace_diff"] = 1;
        j["a"] = d.path_a;
        j["b"] = d.path_b;
        nlohmann::json rows = nlohmann::json::array();
        for (const trace::DifferingRecord& r : d.table) rows.push_back(trace::differing_record_json(r));
        j["records"] = rows;
        write_report({"--json", flags.json_path}, j.dump(2) + "\n");
    }
    // Record names come from the traced program: escaped like every console text from programs.
    (!flags.json_path.empty() && report_goes_to_stdout(flags.json_path) ? std::cerr : std::cout)
        << escape_for_terminal(render_console(d), Newlines::keep) << std::flush;
    return d.identical() ? exit_code::k_ok : exit_code::k_expectation_failed;
}

} // namespace

void add_trace_diff_command(CLI::App& cli, Action& action) {
    auto flags = std::make_shared<TraceDiffFlags>();
    CLI::App* cmd = cli.add_subcommand(
        "trace-diff", "Compare two trace files (docs/trace.md) record by record: the first divergence, its root "
                      "(the first differing record whose inputs matched), later differing records, different paths");
    cmd->add_option("A", flags->a, "Reference trace (JSON Lines, written by detaudit_trace.py or any program)")
        ->required();
    cmd->add_option("B", flags->b, "The other trace")->required();
    cmd->add_option("--json", flags->json_path,
                    "Write the divergence and the first 64 differing records as JSON here "
                    "(docs/trace-diff.schema.json; written atomically); - is stdout")
        ->type_name("PATH")
        ->check(non_empty_path());
    cmd->footer("Exit codes: 0 the traces are identical, 1 they differ (a record or the path), 2 bad input "
                "(missing, truncated or malformed trace, unknown version, duplicate seq).");
    cmd->callback([flags, &action] { action = [flags] { return execute(*flags); }; });
}

} // namespace detaudit::app
