// The JSON reporter: the AuditReport as the versioned JSON document of DESIGN.md §6, described by
// docs/report.schema.json. Saved reports are what `diff`/`compare` and baselines read back.
#pragma once
#include <string>
#include <string_view>
#include <vector>
#include <nlohmann/json.hpp>
#include "report/report.hpp"

namespace detaudit {

// One comparison (DESIGN.md §5) as the report renders it: identical, elements, differing_elements,
// max_ulp/abs/rel, ulp_histogram, nan_mismatches, first_difference. Also used by `compare --json`.
// Keys in that order (ordered_json converts to nlohmann::json where sorted keys are wanted).
nlohmann::ordered_json diff_to_json(const DiffStats& d);

// The report as a JSON value. Non-finite max_abs/max_rel become the strings "inf", "-inf", "nan"
// (JSON has no such numbers); object keys come back sorted, as nlohmann::json stores them.
nlohmann::json report_to_json(const AuditReport& report);

// The report as a file: keys in reading order, 2-space indent, trailing newline. Invalid UTF-8
// in strings (driver messages, program output) is replaced rather than failing the whole report.
std::string render_json(const AuditReport& report);

// As render_json, with the operations copied from their text as a saved report holds it
// (report_text.hpp's operation_texts, one per report.operations entry, in that order) rather than
// rendered again: what `merge` does with its shards' operations. Without one text per operation
// they are rendered.
std::string render_json(const AuditReport& report, const std::vector<std::string_view>& operation_texts);

} // namespace detaudit
