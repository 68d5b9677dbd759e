#include "report/markdown_reporter.hpp"

#include "report/capped_text.hpp"
#include "report/findings_sections.hpp"
#include "report/markup_text.hpp"
#include "report/report_verdict.hpp"
#include <fmt/format.h>

namespace detaudit {
namespace {

// Room kept for the omission line, the environment and closing tags.
constexpr std::size_t k_tail_reserve = 24 * 1024;
constexpr std::size_t k_environment_max = 16 * 1024;

std::string md(std::string_view text) {
    return escape_markdown(text);
}
std::string html(std::string_view text) {
    return escape_html(text);
}

std::string scenario_name(const AuditReport& r) {
    const auto it = r.scenario.find("name");
    return it != r.scenario.end() && it->is_string() ? it->get<std::string>() : "scenario";
}

std::string header(const AuditReport& r) {
    const Summary& s = r.summary;
    std::string out = fmt::format("## {} detaudit · {}: {}\n\n", verdict_icon(report_verdict(r)),
                                  md(scenario_name(r)), verdict_text(r));
    out +=
        fmt::format("**exit {}** · {} operations · {} cells: {} ran, {} skipped, {} failed",
                    s.exit_code, s.operations, s.cells, s.cells_ok, s.cells_skipped, s.cells_error);
    auto axis = [&](const char* name, const AxisSummary& a) {
        if (a.compared == 0) return std::string();
        return fmt::format(" · {}: {} identical, {} differ{}", name, a.identical, a.differing,
                           a.failed ? fmt::format(" (**{} failed**)", a.failed) : "");
    };
    out += axis("run to run", s.run_to_run) + axis("across variants", s.across_variants) +
           axis("cross-backend", s.cross_backend);
    out += fmt::format(" · expectations: {} passed, {} failed", s.expectations_passed,
                       s.expectations_failed);
    if (s.expectations_errored)
        out += fmt::format(", {} unproven (a cell failed)", s.expectations_errored);
    if (s.expectations_not_evaluated)
        out += fmt::format(", {} not evaluated", s.expectations_not_evaluated);
    return out + "\n\n";
}

// Failed expectations, failed cells and design-class contradictions, each line a list item.
std::vector<std::string> failure_lines(const AuditReport& r) {
    std::vector<std::string> lines;
    for (const auto& op : r.operations) {
        for (const auto& e : op.expectations)
            if (e.evaluated && !e.held && !e.cells_failed)
                lines.push_back(fmt::format("- ❌ **{}** on {}: {} expected {}: {}\n",
                                            md(display_name(op)), md(e.backend), md(e.axis),
                                            md(expected_text(e.expected)), md(e.detail)));
        for (const auto& c : op.cells)
            if (c.status == CellStatus::error)
                lines.push_back(fmt::format("- 💥 **{}** on {} / {}: {}\n", md(display_name(op)),
                                            md(c.backend), md(c.variant), md(c.reason)));
        for (const auto& line : op.design_contradictions)
            lines.push_back(fmt::format("- ⚠️ **{}**: {}\n", md(display_name(op)), md(line)));
    }
    return lines;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& i : items)
        text += (text.empty() ? "" : "; ") + md(i);
    return text;
}

std::string findings(const AuditReport& r) {
    std::string out;
    const WhatChanges found = what_changes(r);
    if (!found.empty()) {
        out += "### What changes results\n\n";
        if (!found.run_to_run.empty())
            out += "- **run to run, no setting changed:** " + joined(found.run_to_run) + "\n";
        for (const auto& a : found.axes)
            out += "- **" + md(a.axis) + ":** " +
                   (a.changing.empty() ? "changes nothing" : joined(a.changing)) + "\n";
        if (!found.interactions.empty())
            out += "- **only axes changed together:** " + joined(found.interactions) + "\n";
        out += "\n";
    }
    const auto costs = cost_of_determinism(r);
    if (!costs.empty()) {
        out += "### Cost of determinism\n\nMedian time of the base variant relative to the fastest "
               "algorithm.\n\n";
        out += "| operations | algorithm | relative | median | design class "
               "|\n|---|---|---:|---:|---|\n";
        for (const auto& f : costs)
            for (const auto& a : f.algorithms)
                out +=
                    fmt::format("| {} | {} | {:.2f}× | {} | {} |\n", md(f.family), md(a.algorithm),
                                a.relative, seconds_text(a.median_s), md(a.design_class));
        out += "\n";
    }
    return out;
}

std::string run_to_run_text(const Cell& c) {
    if (c.status != CellStatus::ok) return "";
    if (c.run_to_run.compared_runs == 0) return "one run";
    if (c.run_to_run.differing_runs == 0) return fmt::format("{} runs identical", c.runs);
    return fmt::format("{} of {} runs differ; {}", c.run_to_run.differing_runs,
                       c.run_to_run.compared_runs, diff_summary(c.run_to_run.diff));
}

std::string gate_text(const ComparisonVerdict& v) {
    return !v.judged ? "" : v.held ? "✅" : "❌";
}

std::string cell_row(const OperationReport& op, const Cell& c) {
    const CellComparison* across = nullptr;
    for (const auto& a : op.across_variants)
        if (a.backend == c.backend && a.variant == c.variant) across = &a;
    std::string status = c.status == CellStatus::ok
                             ? "ok"
                             : std::string(cell_status_name(c.status)) + ": " + c.reason;
    std::string gates =
        gate_text(c.run_to_run.verdict) + (across ? gate_text(across->verdict) : "");
    return fmt::format("| {} | {} | {} | {} | {} | {} |\n", md(c.backend), md(c.variant),
                       md(status), md(run_to_run_text(c)),
                       across ? md(diff_summary(across->diff)) : "", gates);
}

std::string operation_head(const OperationReport& op) {
    std::string classes;
    for (const auto& [backend, measured] : op.measured_class) {
        const auto design = op.design_class.find(backend);
        classes += fmt::format(
            " · {}: {}{}", html(backend), html(measured),
            design != op.design_class.end() ? " (design " + html(design->second) + ")" : "");
    }
    std::string out = fmt::format("<details><summary>{} <b>{}</b> · {} / {}{}</summary>\n\n",
                                  verdict_icon(operation_verdict(op)), html(display_name(op)),
                                  html(op.kind), html(op.algorithm), classes);
    if (!op.description.empty()) out += md(op.description) + "\n\n";
    for (const auto& e : op.expectations) {
        const char* mark = e.cells_failed ? "💥" : !e.evaluated ? "➖" : e.held ? "✅" : "❌";
        out += fmt::format("- {} {} {} expected {}: {}\n", mark, md(e.backend), md(e.axis),
                           md(expected_text(e.expected)), md(e.detail));
    }
    for (const auto& c : op.cross_backend)
        out += fmt::format("- {} cross-backend {} vs {}: {}\n",
                           gate_text(c.verdict).empty() ? "↔️" : gate_text(c.verdict),
                           md(c.reference), md(c.other), md(diff_summary(c.diff)));
    out += "\n| backend | variant | status | run to run | vs base variant | verdict "
           "|\n|---|---|---|---|---|---|\n";
    return out;
}

// One <details> per operation until the cap; the rest are counted.
void operations(const AuditReport& r, CappedText& out, std::size_t& omitted) {
    out.add("### Operations\n\n");
    for (const auto& op : r.operations) {
        if (omitted > 0 || !out.add(operation_head(op))) {
            omitted += op.cells.size();
            continue;
        }
        for (const auto& c : op.cells)
            if (omitted > 0 || !out.add(cell_row(op, c))) ++omitted;
        out.force("\n</details>\n\n");
    }
}

std::string environment(const AuditReport& r) {
    std::string rows;
    for (const auto& [key, value] : json_leaves(r.environment)) rows += "| " + md(key) + " | " + md(value) + " |\n";
    if (rows.size() > k_environment_max) {
        rows.resize(rows.rfind('\n', k_environment_max) + 1);
        rows += "| … | the rest is in the JSON report |\n";
    }
    return "### Environment\n\n<details><summary>Machine, build and numerics "
           "settings</summary>\n\n| key | value |\n|---|---|\n" +
           rows + "\n</details>\n";
}

} // namespace

std::string render_markdown(const AuditReport& report, std::size_t max_bytes) {
    CappedText out(max_bytes, std::min(k_tail_reserve, max_bytes / 2));
    out.add(header(report));
    if (report.interrupted) out.add("**Interrupted:** the report covers the runs completed.\n\n");
    const auto failures = failure_lines(report);
    std::size_t omitted_failures = 0;
    if (!failures.empty()) {
        out.add("### Failures\n\n");
        for (const auto& line : failures)
            if (omitted_failures > 0 || !out.add(line)) ++omitted_failures;
        if (omitted_failures)
            out.force(fmt::format("- **{} more failures omitted** (size cap)\n", omitted_failures));
        out.add("\n");
    }
    if (!out.add(findings(report)))
        out.force("**What changes results and the cost of determinism are omitted**: they do not "
                  "fit the size cap; "
                  "the JSON report has them.\n\n");
    std::size_t omitted = 0;
    operations(report, out, omitted);
    if (omitted > 0)
        out.force(fmt::format("**{} more cells omitted**: this summary is capped at {} bytes; the "
                              "JSON report has every "
                              "cell.\n\n",
                              omitted, max_bytes));
    const std::string env = environment(report);
    if (out.text().size() + env.size() <= max_bytes) out.force(env);
    return out.take();
}

} // namespace detaudit
