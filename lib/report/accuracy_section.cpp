#include "accuracy_section.hpp"
#include <cstdio>
#include "compare/diff_text.hpp"
#include "terminal_text.hpp"

namespace detaudit {
namespace {

std::string ratio_text(double r) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g×", r);
    return text;
}

std::string cell_line(const OperationReport& op, const Cell& c) {
    const CellAccuracy& a = *c.accuracy;
    std::string line = "  " + display_name(op) + " " + c.backend + "/" + c.variant + ": ";
    if (a.inexact_elements == 0 && a.nan_mismatches == 0) line += "equals the reference (0 ULP)";
    else
        line += "max " + std::to_string(a.max_ulp) + " ULP (abs " + magnitude_text(a.max_abs) + ", rel " +
                magnitude_text(a.max_rel) + "), " + std::to_string(a.inexact_elements) + "/" + std::to_string(a.elements) +
                " elements off";
    if (a.nan_mismatches) line += ", " + count_text(a.nan_mismatches, "NaN mismatch", "NaN mismatches");
    if (c.run_to_run.compared_runs > 0) {
        line += "; run-to-run spread " + std::to_string(c.run_to_run.diff.max_ulp) + " ULP";
        if (a.drift_to_error) line += " = " + ratio_text(*a.drift_to_error) + " the error";
    }
    return line + "\n";
}

} // namespace

std::string render_accuracy(const AuditReport& report) {
    std::string out;
    for (const auto& op : report.operations) {
        if (!op.accuracy_reference) continue;
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3g s", op.accuracy_reference->seconds);
        out += "  " + display_name(op) + ": reference " + op.accuracy_reference->method + " (" + seconds + ")\n";
        for (const auto& c : op.cells)
            if (c.accuracy) out += "  " + cell_line(op, c);
    }
    if (out.empty()) return "";
    return "Accuracy (run 1 of each cell against the op's reference)\n" + out;
}

std::string render_across_algorithms(const AuditReport& report) {
    std::string out;
    for (const auto& op : report.operations)
        for (const auto& c : op.across_algorithms) {
            std::string verdict = c.diff.identical ? "identical" : describe_diff(c.diff);
            if (c.verdict.judged) verdict += c.verdict.held ? " (pass)" : " (FAIL)";
            out += "  " + op.algorithm + " " + c.other + " vs " + c.reference + " on " + c.backend + " [data " + op.data +
                   "]: " + verdict + "\n";
        }
    if (out.empty()) return "";
    return "Across algorithms (same inputs, base variant, run 1)\n" + out;
}

std::string render_accuracy_sections(const AuditReport& report) {
    std::string out;
    for (const std::string& section : {render_across_algorithms(report), render_accuracy(report)})
        if (!section.empty()) out += "\n" + escape_for_terminal(section, Newlines::keep);
    return out;
}

} // namespace detaudit
