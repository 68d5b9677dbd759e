#include "report/console_reporter.hpp"
#include <fmt/format.h>
#include "report/console_sections.hpp"
#include "report/console_text.hpp"
#include "report/accuracy_section.hpp"
#include "report/findings_sections.hpp"
#include "report/terminal_text.hpp"
#include "report/thread_note.hpp"
#include "report/trace_section.hpp"

namespace detaudit {
namespace {

using namespace console_text;

std::string json_text(const nlohmann::json& j, std::string_view key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    return it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string header_line(const AuditReport& report, bool color) {
    std::string tool = json_text(report.tool, "name");
    if (tool.empty()) tool = "detaudit";
    std::string version = json_text(report.tool, "version");
    std::string line = paint(version.empty() ? tool : tool + " " + version, Tone::strong, color);
    std::string scenario = json_text(report.scenario, "name");
    if (!scenario.empty()) {
        line += fmt::format(" · scenario {}", paint(shown(scenario), Tone::strong, color));
    }
    if (!report.backends.empty()) {
        line += " · backends: ";
        for (std::size_t i = 0; i < report.backends.size(); ++i) {
            const BackendStatus& b = report.backends[i];
            // ';' between backends: device descriptions and driver messages contain commas.
            if (i > 0) line += "; ";
            if (b.available) {
                line += fmt::format("{}: {}", b.name, b.device.empty() ? "available" : shown(b.device));
            } else {
                std::string why = b.reason.empty() ? "unavailable" : "unavailable: " + shown(b.reason);
                line += fmt::format("{}: {}", b.name, paint(why, Tone::warn, color));
            }
        }
    }
    return line + "\n";
}

} // namespace

std::string render_summary_line(const AuditReport& report, bool color) {
    using namespace console_text;
    const Summary& s = report.summary;
    auto count = [&](std::size_t n, std::string_view what, Tone tone) {
        return paint(fmt::format("{} {}", n, what), n > 0 ? tone : Tone::plain, color);
    };
    std::string line = plural(s.cells, "cell", "cells");
    if (s.cells > 0) {
        line += fmt::format(": {} ran, {}", s.cells_ok, count(s.cells_skipped, "skipped", Tone::warn));
        if (s.cells_error > 0) line += ", " + count(s.cells_error, s.cells_error == 1 ? "error" : "errors", Tone::bad);
    }
    // Every comparison's result, by axis: identical cells run to run do not hide variants or
    // backends that differ.
    auto axis = [&](std::string_view name, const AxisSummary& a) {
        if (a.compared == 0) return std::string();
        std::string text = fmt::format(" · {}: {}", name, count(a.identical, "identical", Tone::good));
        if (a.differing > 0)
            text += ", " + count(a.differing, a.differing == 1 ? "differs" : "differ", Tone::warn);
        if (a.failed > 0) text += " (" + count(a.failed, "failed", Tone::bad) + ")";
        return text;
    };
    line += axis("run to run", s.run_to_run) + axis("across variants", s.across_variants) +
            axis("cross-backend", s.cross_backend);
    line += fmt::format(" · expectations: {}, {}",
                        count(s.expectations_passed, "passed", Tone::good),
                        count(s.expectations_failed, "failed", Tone::bad));
    if (s.expectations_errored > 0)
        line += ", " + count(s.expectations_errored, "unproven (a cell failed)", Tone::bad);
    if (s.expectations_not_evaluated > 0) {
        line += ", " + count(s.expectations_not_evaluated, "not evaluated", Tone::plain);
    }
    if (report.interrupted) line += " · " + paint("interrupted", Tone::bad, color);
    line += " · " + paint(fmt::format("exit {}", s.exit_code),
                          s.exit_code == 0 ? Tone::good : Tone::bad, color);
    return line;
}

std::string render_console(const AuditReport& report, const ConsoleOptions& options) {
    const bool color = options.color;
    std::string out = header_line(report, color);
    out += thread_shortfall_note(report);
    out += "\n" + console_cell_table(report, color);
    out += console_cross_backend(report, options);
    if (const std::string what = render_what_changes(report); !what.empty())
        out += "\n" + escape_for_terminal(what, Newlines::keep);
    if (const std::string cost = render_cost_of_determinism(report); !cost.empty())
        out += "\n" + escape_for_terminal(cost, Newlines::keep);
    out += render_accuracy_sections(report); // "Across algorithms", "Accuracy": escaped, each after a blank line
    if (const std::string where = render_trace_divergences(report); !where.empty())
        out += "\n" + escape_for_terminal(where, Newlines::keep);
    if (options.verbose) out += console_details(report);
    out += console_errors_and_skips(report, options);
    out += console_expectations(report, options);
    out += console_contradictions(report, color);

    if (report.interrupted) {
        out += "\n" + paint("Interrupted: the report covers the cells completed so far.", Tone::bad,
                            color) +
               "\n";
    }
    out += "\n" + render_summary_line(report, color) + "\n";
    return out;
}

} // namespace detaudit
