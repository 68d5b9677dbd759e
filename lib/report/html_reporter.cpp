#include "report/html_reporter.hpp"

#include "report/capped_text.hpp"
#include "report/findings_sections.hpp"
#include "report/html_charts.hpp"
#include "report/html_style.hpp"
#include "report/markup_text.hpp"
#include "report/report_verdict.hpp"
#include <fmt/format.h>

namespace detaudit {
namespace {

constexpr std::size_t k_tail_reserve = 64 * 1024; // environment, omission line, closing tags
constexpr std::size_t k_environment_max = 48 * 1024;

std::string h(std::string_view text) {
    return escape_html(text);
}

std::string json_field(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>()
                           : it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* verdict_class(Verdict v) {
    switch (v) {
    case Verdict::pass:
        return "pass";
    case Verdict::fail:
        return "fail";
    case Verdict::error:
        return "error";
    case Verdict::unavailable:
        return "unavailable";
    case Verdict::interrupted:
        return "interrupted";
    }
    return "";
}

// Glyphs every system font has (emoji need a colour-emoji font that a CI browser may lack).
std::string badge(Verdict v) {
    const char* glyph = v == Verdict::pass          ? "✓"
                        : v == Verdict::fail        ? "✗"
                        : v == Verdict::error       ? "!"
                        : v == Verdict::unavailable ? "?"
                                                    : "■";
    return fmt::format("<span class=\"badge v-{}\">{}</span>", verdict_class(v), glyph);
}

std::string mark(const ExpectationResult& e) {
    if (e.cells_failed) return "<span class=\"mk v-error\">!</span>";
    if (!e.evaluated) return "<span class=\"mk v-na\">–</span>";
    return e.held ? "<span class=\"mk v-pass\">✓</span>" : "<span class=\"mk v-fail\">✗</span>";
}

std::string tile(std::size_t n, const char* what, bool bad = false) {
    return fmt::format("<div class=\"tile{}\"><b>{}</b><span>{}</span></div>",
                       bad && n > 0 ? " bad" : "", n, what);
}

std::string banner(const AuditReport& r) {
    const Summary& s = r.summary;
    const Verdict v = report_verdict(r);
    std::string name = json_field(r.scenario, "name");
    std::string out =
        fmt::format("<section class=\"banner v-{}\">{}<div><h1>{}: {}</h1>", verdict_class(v),
                    badge(v), h(name.empty() ? "scenario" : name), h(verdict_text(r)));
    out += fmt::format("<p class=sub>exit {} · {} {} · started {} · {}</p>", s.exit_code,
                       h(json_field(r.tool, "name")), h(json_field(r.tool, "version")),
                       h(r.started_at), h(seconds_text(r.duration_s)));
    const std::string description = json_field(r.scenario, "description");
    if (!description.empty()) out += "<p class=sub>" + h(description) + "</p>";
    out += "<div class=tiles>" + tile(s.operations, "operations") + tile(s.cells_ok, "cells ran") +
           tile(s.cells_skipped, "skipped") + tile(s.cells_error, "failed to run", true) +
           tile(s.run_to_run.identical, "cells identical run to run") +
           tile(s.run_to_run.differing, "cells differ run to run", true) +
           tile(s.expectations_passed, "expectations held") +
           tile(s.expectations_failed, "expectations failed", true) + "</div>";
    return out + "</div></section>";
}

std::string failures(const AuditReport& r, std::size_t limit) {
    std::string items;
    std::size_t count = 0, omitted = 0;
    auto add = [&](std::string item) { (++count <= limit ? items += item : (++omitted, items)); };
    for (const auto& op : r.operations) {
        for (const auto& e : op.expectations)
            if (e.evaluated && !e.held && !e.cells_failed)
                add(fmt::format("<li>{} <b>{}</b> on {}: {} expected <code>{}</code>: {}</li>",
                                mark(e), h(display_name(op)), h(e.backend), h(e.axis),
                                h(expected_text(e.expected)), h(e.detail)));
        for (const auto& c : op.cells)
            if (c.status == CellStatus::error)
                add(fmt::format("<li>{} <b>{}</b> on {} / {}: {}</li>", badge(Verdict::error),
                                h(display_name(op)), h(c.backend), h(c.variant), h(c.reason)));
        for (const auto& line : op.design_contradictions)
            add(fmt::format("<li>{} <b>{}</b>: {}</li>", badge(Verdict::unavailable),
                            h(display_name(op)), h(line)));
    }
    if (count == 0) return "";
    if (omitted)
        items += fmt::format("<li class=omitted>{} more failures omitted (size cap)</li>", omitted);
    return "<section><h2>Failures</h2><ul class=findings>" + items + "</ul></section>";
}

std::string overview_row(const OperationReport& op) {
    std::size_t ok = 0, identical = 0, skipped = 0;
    for (const auto& c : op.cells) {
        if (c.status == CellStatus::skipped) ++skipped;
        if (c.status != CellStatus::ok) continue;
        ++ok;
        if (c.run_to_run.differing_runs == 0) ++identical;
    }
    std::size_t across_same = 0;
    for (const auto& a : op.across_variants)
        across_same += a.diff.identical ? 1 : 0;
    std::string classes;
    for (const auto& [backend, measured] : op.measured_class) {
        const auto design = op.design_class.find(backend);
        const bool contradicts = !op.design_contradictions.empty();
        classes += fmt::format(
            "<span class=\"pill{}\">{}: {}{}</span> ", contradicts ? " bad" : "", h(backend),
            h(measured), design != op.design_class.end() ? " / design " + h(design->second) : "");
    }
    std::size_t held = 0, failed = 0;
    for (const auto& e : op.expectations)
        (e.evaluated && !e.held) ? ++failed : (e.evaluated ? ++held : 0);
    const Verdict v = operation_verdict(op);
    return fmt::format(
        "<tr><td>{}</td><td><b>{}</b><br><span class=skip>{} / {}</span></td><td>{}</td>"
        "<td class=n>{}/{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
        badge(v), h(display_name(op)), h(op.kind), h(op.algorithm), classes, identical, ok,
        op.across_variants.empty() ? "–"
                                   : fmt::format("{}/{}", across_same, op.across_variants.size()),
        skipped,
        failed ? fmt::format("<span class=fail>{} failed</span>, {} held", failed, held)
               : fmt::format("{} held", held));
}

std::string overview(const AuditReport& r) {
    std::string out = "<section><h2>Verdicts</h2><table><tr><th></th><th>operation</"
                      "th><th>measured / design class</th>"
                      "<th>identical run to run</th><th>variants identical to "
                      "base</th><th>skipped</th><th>expectations</th></tr>";
    for (const auto& op : r.operations)
        out += overview_row(op);
    return out + "</table></section>";
}

std::string findings(const AuditReport& r) {
    const WhatChanges found = what_changes(r);
    std::string out;
    if (!found.empty()) {
        out += "<section><h2>What changes results</h2><ul class=findings>";
        auto list = [](const std::vector<std::string>& items) {
            std::string text;
            for (const auto& i : items)
                text += (text.empty() ? "" : "; ") + h(i);
            return text;
        };
        if (!found.run_to_run.empty())
            out += "<li><b>run to run, no setting changed:</b> " + list(found.run_to_run) + "</li>";
        for (const auto& a : found.axes)
            out += "<li><b>" + h(a.axis) + ":</b> " +
                   (a.changing.empty() ? std::string("<span class=pass>changes nothing</span>")
                                       : list(a.changing)) +
                   "</li>";
        if (!found.interactions.empty())
            out += "<li><b>only axes changed together:</b> " + list(found.interactions) + "</li>";
        out += "</ul></section>";
    }
    const auto costs = cost_of_determinism(r);
    if (!costs.empty()) {
        out += "<section><h2>Cost of determinism</h2><p class=legend>Median time of the base "
               "variant relative to the fastest "
               "algorithm.<i class=o0></i>reproducible by design<i class=o1></i>not guaranteed</p>";
        for (const auto& f : costs)
            out += "<p><b>" + h(f.family) + "</b></p>" + cost_bars_svg(f);
        out += "</section>";
    }
    return out;
}

std::string cell_row(const OperationReport& op, const Cell& c) {
    const CellComparison* across = nullptr;
    for (const auto& a : op.across_variants)
        if (a.backend == c.backend && a.variant == c.variant) across = &a;
    std::string status = c.status == CellStatus::ok
                             ? "<span class=pass>ok</span>"
                             : fmt::format("<span class={}>{}</span>: {}",
                                           c.status == CellStatus::error ? "fail" : "skip",
                                           cell_status_name(c.status), h(c.reason));
    std::string r2r;
    if (c.status == CellStatus::ok)
        r2r = c.run_to_run.differing_runs == 0
                  ? "identical"
                  : fmt::format("{} of {} differ · {}", c.run_to_run.differing_runs,
                                c.run_to_run.compared_runs, h(diff_summary(c.run_to_run.diff)));
    auto gate = [](const ComparisonVerdict& v) {
        return !v.judged ? std::string()
               : v.held  ? "<span class=pass>✓</span> "
                         : "<span class=fail>✗ " + h(v.reason) + "</span> ";
    };
    return fmt::format(
        "<tr "
        "class=c><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</"
        "td><td>{}</"
        "td></tr>",
        h(c.backend), h(c.variant), status, run_timeline_svg(c), r2r,
        ulp_histogram_svg(c.run_to_run.diff),
        across ? h(diff_summary(across->diff)) + "<br>" + ulp_histogram_svg(across->diff) : "",
        gate(c.run_to_run.verdict) + (across ? gate(across->verdict) : ""));
}

std::string operation_head(const OperationReport& op) {
    const Verdict v = operation_verdict(op);
    std::string out = fmt::format(
        "<details class=op{}><summary>{} {} <span class=meta>· {} / {}</span></summary>",
        v == Verdict::pass ? "" : " open", badge(v), h(display_name(op)), h(op.kind),
        h(op.algorithm));
    if (!op.description.empty()) out += "<p class=desc>" + h(op.description) + "</p>";
    std::string items;
    for (const auto& e : op.expectations) {
        items += fmt::format("<li>{} {} {} expected <code>{}</code>: {}</li>", mark(e),
                             h(e.backend), h(e.axis), h(expected_text(e.expected)), h(e.detail));
    }
    for (const auto& c : op.cross_backend)
        items += fmt::format(
            "<li>{} cross-backend {} vs {}: {} {}</li>",
            c.verdict.judged ? (c.verdict.held ? badge(Verdict::pass) : badge(Verdict::fail)) : "",
            h(c.reference), h(c.other), h(diff_summary(c.diff)), ulp_histogram_svg(c.diff));
    if (!items.empty()) out += "<ul class=findings>" + items + "</ul>";
    return out +
           "<table><tr><th>backend</th><th>variant</th><th>status</th><th>runs (colour = distinct "
           "output)</th>"
           "<th>run to run</th><th>ULP histogram</th><th>vs base variant</th><th>verdict</th></tr>";
}

void operations(const AuditReport& r, CappedText& out, std::size_t& omitted, std::size_t cap) {
    out.add("<section><h2>Operations</h2><p class=legend>Runs: one square per run, coloured by "
            "output<i class=o0></i>"
            "run 1's<i class=o1></i>a second<i class=o2></i>a third. ULP histograms (log scale): "
            "buckets 0, 1, 2–3, 4–15, "
            "16–255, 256–65535, ≥65536.</p>");
    for (const auto& op : r.operations) {
        if (omitted > 0 || !out.add(operation_head(op))) {
            omitted += op.cells.size();
            continue;
        }
        for (const auto& c : op.cells)
            if (omitted > 0 || !out.add(cell_row(op, c))) ++omitted;
        out.force("</table></details>");
    }
    if (omitted)
        out.force(fmt::format("<p class=omitted>{} more cells omitted: this page is capped at {} "
                              "bytes; the JSON report "
                              "has every cell.</p>",
                              omitted, cap));
    out.force("</section>");
}

std::string environment(const AuditReport& r) {
    std::string rows;
    for (const auto& b : r.backends)
        rows += fmt::format("<tr><td>backend {}</td><td>{}</td></tr>", h(b.name),
                            b.available ? h(b.device.empty() ? "available" : b.device)
                                        : "unavailable: " + h(b.reason));
    for (const auto& [key, value] : json_leaves(r.environment))
        rows += "<tr><td>" + h(key) + "</td><td>" + h(value) + "</td></tr>";
    if (rows.size() > k_environment_max) {
        rows.resize(rows.rfind("</tr>", k_environment_max) + 5);
        rows += "<tr><td>…</td><td class=omitted>the rest is in the JSON report</td></tr>";
    }
    return "<section><h2>Environment</h2><table class=env>" + rows + "</table></section>";
}

} // namespace

std::string render_html(const AuditReport& report, std::size_t max_bytes) {
    CappedText out(max_bytes, std::min(k_tail_reserve, max_bytes / 2));
    std::string title = json_field(report.scenario, "name");
    out.force(
        fmt::format("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport "
                    "content=\"width=device-width,initial-scale=1\"><title>detaudit · "
                    "{}</title><style>{}</style></head>"
                    "<body><main>",
                    h(title), k_html_style));
    out.force(banner(report));
    out.force(failures(report, 200));
    if (!out.add(overview(report)))
        out.force("<section><p class=omitted>The verdict table is omitted: it does not fit the "
                  "size cap.</p></section>");
    if (!out.add(findings(report)))
        out.force("<section><p class=omitted>Findings omitted: they do not fit the size "
                  "cap.</p></section>");
    std::size_t omitted = 0;
    operations(report, out, omitted, max_bytes);
    out.force(environment(report));
    out.force("</main></body></html>\n");
    return out.take();
}

} // namespace detaudit
