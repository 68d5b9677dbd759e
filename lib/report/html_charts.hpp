// Inline SVG charts for the HTML report: small, self-contained, one <path> per colour so that a
// report of thousands of cells stays a few MiB. Colours come from the page's CSS classes.
#pragma once
#include "report/findings_sections.hpp"
#include "report/report.hpp"
#include <string>

namespace detaudit {

// Runs 1..N as squares, one colour per distinct output in order of first appearance (run 1's
// colour is the reference's): when a cell starts to differ and how often.
std::string run_timeline_svg(const Cell& cell);

// The ULP histogram (buckets 0, 1, 2-3, ... >=65536) as bars on a log scale; "" when the
// comparison has no histogram (raw bytes, shape mismatch) or nothing differs.
std::string ulp_histogram_svg(const DiffStats& diff);

// Horizontal bars of each algorithm's median time relative to the fastest.
std::string cost_bars_svg(const FamilyCost& family);

} // namespace detaudit
