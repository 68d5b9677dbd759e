// Internal to lib/report's reader (report_reader.cpp): a saved report's cells and comparisons,
// read strictly (every key known, every type checked) into the report model.
#pragma once
#include "report/json_fields.hpp"
#include "report/report.hpp"

namespace detaudit {

Cell read_cell(const JsonAt& at);
CellComparison read_comparison(const JsonAt& at);

} // namespace detaudit
