// Reporters for `detaudit compare` (compare/array_files): pure functions of the comparison, as
// the audit report's reporters are.
#pragma once
#include <string>
#include "compare/array_files.hpp"

namespace detaudit {

// One line per array (verdict, name, dtype, shape, and for differences "N of M elements differ,
// max U ULP, max abs X, max rel Y; first at [i, j]: A (bits) vs B (bits)"), one per file on one
// side only, then a summary line ending in PASS or FAIL.
std::string render_compare_console(const ArrayFilesComparison& c);

// The JSON document of `compare --json`: tolerance, passed, exit_code, summary counts, and per
// array its verdict and diff (rendered as in the audit report, json_reporter's diff_to_json).
std::string render_compare_json(const ArrayFilesComparison& c);

} // namespace detaudit
