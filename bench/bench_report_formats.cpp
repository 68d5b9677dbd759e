// Markdown and HTML of a 10,000-cell report (docs/reports.md): time and size, against the anchor
// of reading and writing the same report's JSON (parse_report + render_json) in the same rounds.
#include "bench_harness.hpp"
#include "report/html_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "report/report_reader.hpp"
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>

using namespace detaudit;

namespace {

constexpr std::size_t k_cells = 10000;
constexpr double k_max_seconds = 1.0;
constexpr double k_max_mib = 5.0;

// The sample report (a real run: identical, differing, skipped and failed cells) with its
// operations repeated under new ids until it holds k_cells cells.
AuditReport big_report() {
    const AuditReport sample = read_report(DETAUDIT_BENCH_SAMPLE_REPORT);
    AuditReport r = sample;
    r.operations.clear();
    std::size_t cells = 0;
    for (int copy = 0; cells < k_cells; ++copy)
        for (const auto& op : sample.operations) {
            if (cells + op.cells.size() > k_cells) continue;
            r.operations.push_back(op);
            r.operations.back().id += "-" + std::to_string(copy);
            cells += op.cells.size();
            if (cells == k_cells) break;
        }
    return r;
}

} // namespace

int main(int argc, char** argv) {
    const bench::Options o =
        bench::parse_options(argc, argv, "Markdown and HTML of a 10,000-cell report");
    bench::print_header("report formats", o);
    const AuditReport report = big_report();
    const std::string json = render_json(report);
    std::size_t cells = 0;
    for (const auto& op : report.operations)
        cells += op.cells.size();
    std::printf("report: %zu operations, %zu cells, JSON %.1f MiB\n", report.operations.size(),
                cells, static_cast<double>(json.size()) / (1 << 20));

    std::size_t markdown_bytes = 0, html_bytes = 0, json_bytes = 0;
    bench::Suite suite(o.repeats);
    const auto anchor = suite.add(
        "json read+write", [&] { json_bytes = render_json(parse_report(json, "bench")).size(); });
    const auto markdown =
        suite.add("markdown", [&] { markdown_bytes = render_markdown(report).size(); });
    const auto html = suite.add("html", [&] { html_bytes = render_html(report).size(); });
    // Without the size caps, for information: what rendering every cell costs.
    std::size_t full_markdown = 0, full_html = 0;
    const auto markdown_full = suite.add(
        "markdown uncapped", [&] { full_markdown = render_markdown(report, SIZE_MAX).size(); });
    const auto html_full =
        suite.add("html uncapped", [&] { full_html = render_html(report, SIZE_MAX).size(); });
    suite.run();
    bench::do_not_optimize(json_bytes);

    bench::Scoreboard board;
    const double anchor_s = suite.timing(anchor).min_s;
    board.line("anchor: JSON read + write", bench::format_timing(suite.timing(anchor)), "seconds",
               anchor_s);
    for (auto [name, id, bytes] : {std::tuple{"markdown", markdown, &markdown_bytes},
                                   std::tuple{"html", html, &html_bytes}}) {
        const bench::Timing t = suite.timing(id);
        const double mib = static_cast<double>(*bytes) / (1 << 20);
        board.line(std::string(name) + " time", bench::format_timing(t), "ratio to anchor",
                   t.min_s / anchor_s);
        board.line(std::string(name) + " time", bench::format_timing(t), "seconds", t.min_s,
                   bench::Target{bench::Target::Kind::at_most, k_max_seconds});
        char size[64];
        std::snprintf(size, sizeof size, "%zu bytes", *bytes);
        board.line(std::string(name) + " size", size, "MiB", mib,
                   bench::Target{bench::Target::Kind::at_most, k_max_mib});
    }
    for (auto [name, id, bytes] :
         {std::tuple{"markdown uncapped (information)", markdown_full, &full_markdown},
          std::tuple{"html uncapped (information)", html_full, &full_html}}) {
        const bench::Timing t = suite.timing(id);
        std::printf("%s: %s, %.1f MiB, ratio to anchor = %.2f\n", name,
                    bench::format_timing(t).c_str(), static_cast<double>(*bytes) / (1 << 20),
                    t.min_s / anchor_s);
    }
    return board.finish("bench_report_formats");
}
