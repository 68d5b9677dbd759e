// `detaudit merge` and `diff` at fleet scale: 100 reports of about 1,000 cells each (issue 11's
// target: under 2 s each), against reading the same files with nlohmann::json alone, in the same
// process and interleaved rounds, files in the page cache.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <unistd.h>

#include "audit/merge_reports.hpp"
#include "audit/report_diff.hpp"
#include "audit/shard.hpp"
#include "bench_harness.hpp"
#include "env/fingerprint.hpp"
#include "report/json_reporter.hpp"
#include "report/report_reader.hpp"

namespace {

using namespace detaudit;
using namespace detaudit::bench;
namespace fs = std::filesystem;

constexpr std::size_t k_reports = 100, k_cells_per_op = 10, k_ops_per_report = 100;

OperationReport operation(const std::string& id, std::size_t salt) {
    OperationReport op;
    op.id = id;
    op.kind = "reduce";
    op.algorithm = "blocked";
    op.parameters = {{"n", 4096}, {"dtype", "f32"}};
    op.design_class = {{"cpu", "deterministic"}};
    op.measured_class = {{"cpu", "deterministic"}};
    for (std::size_t v = 0; v < k_cells_per_op; ++v) {
        Cell c;
        c.backend = "cpu";
        c.variant = v == 0 ? "base" : "cpu.threads=" + std::to_string(v);
        c.settings = {{"cpu.threads", v}};
        c.runs = 3;
        c.distinct_outputs = 1;
        char digest[40];
        std::snprintf(digest, sizeof digest, "%032zx", (salt * 131 + v) * 2654435761u);
        c.digests.assign(3, digest);
        c.run_to_run.compared_runs = 2;
        c.run_to_run.diff.elements = 1;
        c.output_dtype = "f32";
        c.output_shape = {};
        c.time = {1e-3, 1e-3, 1e-3, 1e-3};
        op.cells.push_back(std::move(c));
    }
    op.expectations.push_back({"run_to_run", "cpu", "identical", true, false, true, "identical"});
    return op;
}

AuditReport base_report(const nlohmann::json& environment) {
    AuditReport r;
    r.tool = {{"name", "detaudit"}, {"version", "bench"}};
    r.scenario = {{"name", "bench"}, {"scenario_digest", std::string(32, 'a')}, {"runs", 3}};
    r.started_at = "2026-12-01T00:00:00Z";
    r.environment = environment;
    r.backends.push_back({"cpu", true, "", "bench"});
    return r;
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// 100 shard reports of one 10,000-operation scenario (rendezvous split: about 100 ops, 1,000
// cells, each) and 100 whole reports of a 100-operation scenario (1,000 cells each).
void make_files(const fs::path& dir, std::vector<std::string>& shards, std::vector<std::string>& whole) {
    const nlohmann::json environment = environment_fingerprint();
    const std::size_t ops = k_reports * k_ops_per_report;
    std::vector<AuditReport> shard_reports(k_reports, base_report(environment));
    for (std::size_t k = 0; k < k_reports; ++k) shard_reports[k].shard = ShardInfo{k + 1, k_reports, ops, {}};
    for (std::size_t i = 0; i < ops; ++i) {
        const std::string id = "op-" + std::to_string(i);
        AuditReport& r = shard_reports[shard_of(id, k_reports) - 1];
        r.shard->operations.emplace_back(id, i);
        r.operations.push_back(operation(id, i));
    }
    for (std::size_t k = 0; k < k_reports; ++k) {
        shards.push_back((dir / ("shard-" + std::to_string(k + 1) + ".json")).string());
        write(shards.back(), render_json(shard_reports[k]));
        AuditReport w = base_report(environment);
        for (std::size_t i = 0; i < k_ops_per_report; ++i) w.operations.push_back(operation("op-" + std::to_string(i), i + (i == k ? 1 : 0)));
        whole.push_back((dir / ("whole-" + std::to_string(k + 1) + ".json")).string());
        write(whole.back(), render_json(w));
    }
}

} // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv, "merge and diff of 100 reports of 1,000 cells against nlohmann::json parsing");
    if (o.repeats == Options{}.repeats) o.repeats = 3;
    print_header("merge and diff of 100 reports", o);
    const fs::path dir = fs::temp_directory_path() / ("detaudit-bench-fleet-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<std::string> shards, whole;
    make_files(dir, shards, whole);
    std::uintmax_t bytes = 0;
    for (const auto& f : shards) bytes += fs::file_size(f);
    std::printf("files: 100 shard reports (%.1f MB) and 100 whole reports of 1,000 cells each\n", bytes / 1e6);

    Suite suite(o.repeats);
    const auto parse_all = [](const std::vector<std::string>& files) {
        std::size_t n = 0;
        for (const auto& f : files) n += nlohmann::json::parse(slurp(f)).size();
        do_not_optimize(n);
    };
    const auto anchor_shards = suite.add("parse shards", [&] { parse_all(shards); });
    const auto merge = suite.add("merge", [&] {
        std::vector<std::string> texts;
        std::vector<AuditReport> read = read_reports(shards, &texts);
        std::vector<ShardReport> in;
        for (std::size_t i = 0; i < read.size(); ++i) in.push_back({shards[i], std::move(read[i]), texts[i]});
        std::vector<std::string_view> operation_texts;
        const AuditReport merged = merge_shard_reports(std::move(in), &operation_texts);
        const std::string out = render_json(merged, operation_texts);
        do_not_optimize(out.size());
    });
    const auto anchor_whole = suite.add("parse whole", [&] { parse_all(whole); });
    const auto diff = suite.add("diff", [&] {
        std::vector<AuditReport> read = read_reports(whole);
        std::vector<NamedReport> in;
        for (std::size_t i = 0; i < read.size(); ++i) in.push_back({whole[i], std::move(read[i])});
        const ReportDiff d = diff_reports(in, {});
        do_not_optimize(d.exit_code);
    });
    suite.run();
    fs::remove_all(dir);

    Scoreboard board;
    const Timing a = suite.timing(anchor_shards), m = suite.timing(merge);
    const Timing b = suite.timing(anchor_whole), d = suite.timing(diff);
    board.line("nlohmann::json::parse of the 100 shard files (anchor)", format_timing(a), "ratio", 1.0);
    board.line("merge of 100 shards -> JSON", format_timing(m), "merge / parse", m.min_s / a.min_s);
    board.line("merge wall time in seconds", format_timing(m), "seconds", m.min_s, Target{Target::Kind::at_most, 2.0});
    board.line("nlohmann::json::parse of the 100 whole files (anchor)", format_timing(b), "ratio", 1.0);
    board.line("diff of 100 reports", format_timing(d), "diff / parse", d.min_s / b.min_s);
    board.line("diff wall time in seconds", format_timing(d), "seconds", d.min_s, Target{Target::Kind::at_most, 2.0});
    return board.finish("bench_fleet");
}
