#include "report/console_sections.hpp"
#include <map>
#include <set>
#include <utility>
#include <fmt/format.h>
#include "report/console_text.hpp"
#include "report/terminal_text.hpp"

namespace detaudit {

using namespace console_text;

std::string console_cell_table(const AuditReport& report, bool color) {
    std::string out;
    std::vector<Row> rows;
    rows.push_back({{"op"},
                    {"backend"},
                    {"variant"},
                    {"runs", Tone::plain, true},
                    {"distinct", Tone::plain, true},
                    {"run-to-run"},
                    {"across-variants"},
                    {"max ULP", Tone::plain, true},
                    {"time/run", Tone::plain, true},
                    {"expectation"}});
    for (const auto& op : report.operations) {
        for (std::size_t i = 0; i < op.cells.size(); ++i) {
            const Cell& c = op.cells[i];
            const bool ok = c.status == CellStatus::ok;
            const CellComparison* across = ok ? find_across(op, c) : nullptr;
            const ComparisonVerdict none;
            const ComparisonVerdict& r2r_verdict = ok ? c.run_to_run.verdict : none;
            const ComparisonVerdict& across_verdict = across ? across->verdict : none;
            Row row;
            // The op id only on its first row: the table reads as groups.
            row.push_back({i == 0 ? shown_name(op) : std::string()});
            row.push_back({c.backend});
            row.push_back({shown(c.variant)});
            row.push_back({std::to_string(c.runs), Tone::plain, true});
            row.push_back({ok ? std::to_string(c.distinct_outputs) : "-", Tone::plain, true});

            if (c.status == CellStatus::skipped) {
                row.push_back({"skipped", Tone::warn});
            } else if (c.status == CellStatus::error) {
                row.push_back({"error", Tone::bad});
            } else if (c.run_to_run.compared_runs == 0) {
                row.push_back({"-"}); // one run: nothing to compare
            } else if (c.run_to_run.differing_runs == 0) {
                row.push_back({"identical", Tone::good});
            } else {
                // Of the runs compared with run 1 (runs 2..N), how many differ: README, "Reading the table".
                row.push_back({fmt::format("differs {}/{} runs", c.run_to_run.differing_runs,
                                           c.run_to_run.compared_runs),
                               failed(r2r_verdict) ? Tone::bad : Tone::warn});
            }

            if (!across) {
                row.push_back({"-"});
            } else if (across->diff.identical && !across->diff.shape_mismatch) {
                row.push_back({"identical", Tone::good});
            } else {
                row.push_back({diff_brief(across->diff), failed(across_verdict) ? Tone::bad : Tone::warn});
            }

            const bool compared = ok && c.run_to_run.compared_runs > 0 &&
                                  !c.run_to_run.diff.shape_mismatch;
            row.push_back({compared ? max_ulp_cell(c.run_to_run.diff) : "-", Tone::plain, true});
            row.push_back({ok && c.runs > 0 ? human_seconds(c.time.median_s) : "-", Tone::plain,
                           true});
            if (failed(r2r_verdict) || failed(across_verdict)) {
                row.push_back({"FAIL", Tone::bad});
            } else if (r2r_verdict.judged || across_verdict.judged) {
                row.push_back({"pass", Tone::good});
            } else {
                row.push_back({"-"});
            }
            rows.push_back(std::move(row));
        }
    }
    if (rows.size() > 1) {
        out += render_table(rows, color);
    } else {
        out += "no cells\n";
    }
    return out;
}

std::string console_cross_backend(const AuditReport& report, const ConsoleOptions& options) {
    const bool color = options.color;
    std::string out;
    // Cross-backend comparisons, one line each.
    std::string cross;
    for (const auto& op : report.operations) {
        for (const auto& c : op.cross_backend) {
            const bool same = c.diff.identical && !c.diff.shape_mismatch;
            std::string verdict = paint(diff_brief(c.diff),
                                        same                  ? Tone::good
                                        : failed(c.verdict)   ? Tone::bad
                                                              : Tone::warn,
                                        color);
            std::string gate;
            if (failed(c.verdict)) {
                gate = "  " + paint("FAIL", Tone::bad, color);
            } else if (c.verdict.judged) {
                gate = "  " + paint("pass", Tone::good, color);
            }
            cross += fmt::format("  {} [{}]: {} vs {}: {}{}\n", shown_name(op), shown(c.variant), shown(c.reference),
                                 shown(c.other), verdict, gate);
            if (options.verbose && !same) cross += fmt::format("    {}\n", diff_details(c.diff));
        }
    }
    if (!cross.empty()) out += "\nCross-backend\n" + cross;
    return out;
}

std::string console_details(const AuditReport& report) {
    std::string out;
    std::string details;
    for (const auto& op : report.operations) {
        for (const auto& c : op.cells) {
            std::string where = fmt::format("  {} {} {}: ", shown_name(op), c.backend, shown(c.variant));
            if (c.status != CellStatus::ok) {
                details += where;
                details += fmt::format("{}: {}\n", cell_status_name(c.status), shown(c.reason));
            } else if (c.run_to_run.differing_runs > 0) {
                details += where + fmt::format("differs {}/{} runs, {} distinct outputs, first differing run {}",
                                               c.run_to_run.differing_runs, c.run_to_run.compared_runs,
                                               c.distinct_outputs,
                                               c.run_to_run.first_differing_run.value_or(0));
                if (c.run_to_run.same_multiset) {
                    details += *c.run_to_run.same_multiset ? ", same values in another order"
                                                           : ", different values";
                }
                details += fmt::format("; {}", diff_details(c.run_to_run.diff));
                if (c.run_to_run.verdict.judged) details += fmt::format("; {}", c.run_to_run.verdict.reason);
                details += "\n";
            } else if (c.p_diff_95) {
                details += where + fmt::format("identical over {} runs; one more run differs "
                                               "with probability < {:.3g} (95 % bound)\n",
                                               c.runs, *c.p_diff_95);
            }
            if (const CellComparison* a = find_across(op, c); a && !a->diff.identical) {
                details += fmt::format("  {} {} {} vs {}: {}{}\n", shown_name(op), c.backend, shown(c.variant),
                                       shown(a->reference), diff_details(a->diff),
                                       a->verdict.judged ? "; " + shown(a->verdict.reason) : "");
            }
        }
    }
    if (!details.empty()) out += "\nDetails\n" + details;

    return out;
}

std::string console_errors_and_skips(const AuditReport& report, const ConsoleOptions& options) {
    const bool color = options.color;
    std::string out;
    // Errors always, with their reason; skips grouped, since one unavailable backend skips many.
    std::string errors;
    std::map<std::pair<std::string, std::string>, std::size_t> skips;
    std::vector<std::pair<std::string, std::string>> skip_order;
    // An exec program that failed fails every output of its cell: one line for all of them.
    std::map<std::string, std::size_t> error_count;
    auto error_key = [](const OperationReport& op, const Cell& c) {
        return op.id + "\n" + c.backend + "\n" + c.variant + "\n" + c.reason;
    };
    for (const auto& op : report.operations)
        for (const auto& c : op.cells)
            if (c.status == CellStatus::error) ++error_count[error_key(op, c)];
    std::set<std::string> reported_errors;
    for (const auto& op : report.operations) {
        for (const auto& c : op.cells) {
            if (c.status == CellStatus::error) {
                const std::string key = error_key(op, c);
                const std::string who = error_count[key] > 1 ? op.id : shown_name(op);
                if (!reported_errors.insert(key).second) continue;
                errors += fmt::format("  {} {} {}: {}\n", who, c.backend, shown(c.variant), shown(c.reason));
                if (!c.error_detail.empty()) {
                    std::string detail = escape_for_terminal(c.error_detail, Newlines::keep);
                    std::size_t pos = 0;
                    while ((pos = detail.find('\n', pos)) != std::string::npos) detail.replace(pos, 1, "\n      | "), pos += 9;
                    errors += "      | " + detail + "\n";
                }
            } else if (c.status == CellStatus::skipped && !options.verbose) {
                auto key = std::make_pair(c.backend, c.reason);
                if (skips[key]++ == 0) skip_order.push_back(key);
            }
        }
    }
    if (!errors.empty()) out += "\n" + paint("Errors", Tone::bad, color) + "\n" + errors;
    if (!skip_order.empty()) {
        out += "\nSkipped\n";
        for (const auto& key : skip_order) {
            out += fmt::format("  {}: {}: {}\n", key.first, plural(skips[key], "cell", "cells"),
                               key.second.empty() ? "no reason given" : shown(key.second));
        }
    }
    return out;
}

std::string console_expectations(const AuditReport& report, const ConsoleOptions& options) {
    const bool color = options.color;
    std::string out;
    std::string failing, unproven, not_evaluated, passed;
    for (const auto& op : report.operations) {
        for (const auto& e : op.expectations) {
            std::string what = fmt::format("{} {} {} (expected {})", shown_name(op), e.backend, e.axis,
                                           shown(expected_text(e.expected)));
            if (e.cells_failed) { // the library's verdict: a covered cell failed, whatever held
                unproven += fmt::format("  {} {}: a cell it covers failed (Errors above)\n", paint("ERROR", Tone::bad, color),
                                        what);
            } else if (!e.evaluated) {
                not_evaluated += fmt::format("  {}: {}\n", what, shown(e.detail));
            } else if (!e.held) {
                failing += fmt::format("  {} {}: {}\n", paint("FAIL", Tone::bad, color), what,
                                      shown(e.detail));
            } else {
                passed += fmt::format("  {} {}: {}\n", paint("pass", Tone::good, color), what,
                                      shown(e.detail));
            }
        }
    }
    if (!failing.empty()) out += "\nFailed expectations\n" + failing;
    if (options.verbose && !unproven.empty()) out += "\nUnproven expectations (a cell they cover failed)\n" + unproven;
    if (options.verbose && !passed.empty()) out += "\nPassed expectations\n" + passed;
    if (options.verbose && !not_evaluated.empty()) out += "\nNot evaluated\n" + not_evaluated;
    return out;
}

std::string console_contradictions(const AuditReport& report, bool color) {
    std::string out;
    std::string contradictions;
    for (const auto& op : report.operations) {
        for (const auto& line : op.design_contradictions) {
            contradictions += fmt::format("  {}: {}\n", shown_name(op), shown(line));
        }
    }
    if (!contradictions.empty()) {
        out += "\n" + paint("Design-class contradictions", Tone::bad, color) + "\n";
        out += contradictions;
    }
    return out;
}

} // namespace detaudit
