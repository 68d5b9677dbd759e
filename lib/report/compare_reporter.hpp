// Reporters for `detaudit compare` (compare/array_files): pure functions of the comparison, as
// the audit report's reporters are.
#pragma once
#include <string>
#include "compare/array_files.hpp"

namespace detaudit {

// One line per array (verdict, name, dtype, shape, and for differences "N of M elements differ,
// max U ULP, max abs X, max rel Y; first at [i, j]: A (bits) vs B (bits)"), one per file on one
// side only, then a summary line ending in PASS or FAIL. With a tolerance, each differing line
// ends in the judge's reason. `failures` (`compare -q`): only the lines of arrays beyond
// tolerance, the files on one side only and the summary line.
enum class CompareOutput { all, failures };
std::string render_compare_console(const ArrayFilesComparison& c, CompareOutput output = CompareOutput::all);

// The JSON document of `compare --json`: tolerance, passed, exit_code, summary counts, and per
// array its verdict and diff (rendered as in the audit report, json_reporter's diff_to_json).
std::string render_compare_json(const ArrayFilesComparison& c);

} // namespace detaudit
