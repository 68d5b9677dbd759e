#include "report/console_reporter.hpp"
#include "report/accuracy_section.hpp"
#include "report/findings_sections.hpp"
#include "report/terminal_text.hpp"
#include "compare/diff_text.hpp"
#include "report/thread_note.hpp"
#include "report/trace_section.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <fmt/format.h>

namespace detaudit {
namespace {

enum class Tone { plain, good, warn, bad, strong };

std::string paint(std::string_view text, Tone tone, bool color) {
    if (!color || tone == Tone::plain || text.empty()) return std::string(text);
    const char* code = "";
    switch (tone) {
    case Tone::good: code = "\x1b[32m"; break;
    case Tone::warn: code = "\x1b[33m"; break;
    case Tone::bad: code = "\x1b[31m"; break;
    case Tone::strong: code = "\x1b[1m"; break;
    case Tone::plain: break;
    }
    return fmt::format("{}{}\x1b[0m", code, text);
}

// Columns are measured in characters, not bytes: "µs" and "·" are two bytes of UTF-8 each.
std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Three significant digits in the unit that keeps the number between 1 and 1000.
std::string human_seconds(double s) {
    if (!std::isfinite(s) || s < 0) return "-";
    double value = s;
    std::string_view unit = "s";
    if (s < 1e-6) {
        value = s * 1e9, unit = "ns";
    } else if (s < 1e-3) {
        value = s * 1e6, unit = "µs";
    } else if (s < 1) {
        value = s * 1e3, unit = "ms";
    }
    int decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
    return fmt::format("{:.{}f} {}", value, decimals, unit);
}

std::string expected_text(const nlohmann::json& expected) {
    if (expected.is_string()) return expected.get<std::string>();
    return expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Names and reasons come from scenarios and programs: printed escaped (terminal_text.hpp).
std::string shown(std::string_view text) { return escape_for_terminal(text); }
std::string shown_name(const OperationReport& op) { return escape_for_terminal(display_name(op)); }

const CellComparison* find_across(const OperationReport& op, const Cell& cell) {
    for (const auto& c : op.across_variants) {
        if (c.backend == cell.backend && c.variant == cell.variant) return &c;
    }
    return nullptr;
}

bool failed(const ComparisonVerdict& v) { return v.judged && !v.held; }

struct TableCell {
    std::string text;
    Tone tone = Tone::plain;
    bool right = false; // numbers align right
};
using Row = std::vector<TableCell>;

std::string render_table(const std::vector<Row>& rows, bool color) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i].text));
        }
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            const TableCell& cell = row[i];
            std::string pad(widths[i] - display_width(cell.text), ' ');
            if (i > 0) line += "  ";
            // Pad outside the colour codes so escapes never count toward the width.
            if (cell.right) line += pad;
            line += paint(cell.text, cell.tone, color);
            if (!cell.right && i + 1 < row.size()) line += pad;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line;
        out += '\n';
    }
    return out;
}

std::string diff_brief(const DiffStats& d) {
    if (d.shape_mismatch) return fmt::format("differs ({})", d.mismatch_detail);
    if (d.identical) return "identical";
    if (d.raw_bytes) return "differs, " + count_text(d.differing_elements, "byte", "bytes");
    std::string text = has_ulp(d) ? fmt::format("differs, {} ULP", d.max_ulp)
                                  : fmt::format("differs, max abs {}", magnitude_text(d.max_abs));
    if (d.nan_mismatches > 0) text += ", " + count_text(d.nan_mismatches, "NaN mismatch", "NaN mismatches");
    return text;
}

std::string diff_details(const DiffStats& d) {
    if (d.shape_mismatch) return d.mismatch_detail;
    if (d.raw_bytes)
        return differing_text(d) +
               (d.first_difference ? fmt::format("; first at offset {}", d.first_difference->index) : "");
    std::string text = describe_diff(d);
    std::string histogram;
    const auto& labels = ulp_bucket_labels();
    for (std::size_t i = 1; i < k_ulp_buckets; ++i) { // bucket 0 is the identical elements
        if (d.ulp_histogram[i] == 0) continue;
        histogram += fmt::format("{}{}: {}", histogram.empty() ? "" : ", ", labels[i],
                                 d.ulp_histogram[i]);
    }
    if (!histogram.empty()) text += fmt::format("; {} histogram {}", has_ulp(d) ? "ULP" : "|a-b|", histogram);
    if (d.first_difference) {
        const auto& f = *d.first_difference;
        text += fmt::format("; first at index {}: {} ({}) vs {} ({})", f.index,
                            f.reference.decimal, f.reference.hex_bits, f.other.decimal,
                            f.other.hex_bits);
    }
    return text;
}

// The "max ULP" column: integers' distance is |a - b|; raw bytes have none.
std::string max_ulp_cell(const DiffStats& d) {
    if (d.raw_bytes) return "n/a";
    return std::to_string(d.max_ulp);
}

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
    out += "\n";
    if (rows.size() > 1) {
        out += render_table(rows, color);
    } else {
        out += "no cells\n";
    }

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
    if (const std::string what = render_what_changes(report); !what.empty())
        out += "\n" + escape_for_terminal(what, Newlines::keep);
    if (const std::string cost = render_cost_of_determinism(report); !cost.empty())
        out += "\n" + escape_for_terminal(cost, Newlines::keep);
    out += render_accuracy_sections(report); // "Across algorithms", "Accuracy": escaped, each after a blank line
    if (const std::string where = render_trace_divergences(report); !where.empty())
        out += "\n" + escape_for_terminal(where, Newlines::keep);

    if (options.verbose) {
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
    }

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

    std::string failed, unproven, not_evaluated, passed;
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
                failed += fmt::format("  {} {}: {}\n", paint("FAIL", Tone::bad, color), what,
                                      shown(e.detail));
            } else {
                passed += fmt::format("  {} {}: {}\n", paint("pass", Tone::good, color), what,
                                      shown(e.detail));
            }
        }
    }
    if (!failed.empty()) out += "\nFailed expectations\n" + failed;
    if (options.verbose && !unproven.empty()) out += "\nUnproven expectations (a cell they cover failed)\n" + unproven;
    if (options.verbose && !passed.empty()) out += "\nPassed expectations\n" + passed;
    if (options.verbose && !not_evaluated.empty()) out += "\nNot evaluated\n" + not_evaluated;

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

    if (report.interrupted) {
        out += "\n" + paint("Interrupted: the report covers the cells completed so far.", Tone::bad,
                            color) +
               "\n";
    }
    out += "\n" + render_summary_line(report, color) + "\n";
    return out;
}

} // namespace detaudit
