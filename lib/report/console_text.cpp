#include "report/console_text.hpp"
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include "compare/diff_text.hpp"
#include "report/findings_sections.hpp"
#include "report/terminal_text.hpp"

namespace detaudit::console_text {

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
} // namespace detaudit::console_text
