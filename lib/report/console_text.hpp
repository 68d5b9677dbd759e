// The console reporter's text pieces: colours, the aligned table, names and reasons escaped for
// the terminal, numbers and differences as short text. Shared by its sections.
#pragma once
#include <string>
#include <string_view>
#include <vector>
#include "compare/diff_stats.hpp"
#include "report/report.hpp"

namespace detaudit::console_text {

enum class Tone { plain, good, warn, bad, strong };

// `text` in the tone's ANSI colour when `color`, else as it is.
std::string paint(std::string_view text, Tone tone, bool color);
// Columns are measured in characters, not bytes: "µs" and "·" are two bytes of UTF-8 each.
std::size_t display_width(std::string_view text);
std::string plural(std::size_t n, std::string_view one, std::string_view many);
// Three significant digits in the unit that keeps the number between 1 and 1000.
std::string human_seconds(double s);
std::string expected_text(const nlohmann::json& expected);
// Names and reasons come from scenarios and programs: printed escaped (terminal_text.hpp).
std::string shown(std::string_view text);
std::string shown_name(const OperationReport& op);
// The across_variants comparison of `cell` against its backend's base, if any.
const CellComparison* find_across(const OperationReport& op, const Cell& cell);
// A verdict the library judged and that did not hold.
bool failed(const ComparisonVerdict& v);

struct TableCell {
    std::string text;
    Tone tone = Tone::plain;
    bool right = false; // right-aligned (numbers)
};
using Row = std::vector<TableCell>;
// The rows as an aligned table, the first row its header.
std::string render_table(const std::vector<Row>& rows, bool color);

std::string diff_brief(const DiffStats& d);
std::string diff_details(const DiffStats& d);
// The "max ULP" column: integers' distance is |a - b|; raw bytes have none.
std::string max_ulp_cell(const DiffStats& d);

} // namespace detaudit::console_text
