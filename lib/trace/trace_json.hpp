// JSON of a trace alignment: the `first_divergence` object of reports (docs/report.schema.json)
// and `detaudit trace-diff --json` (docs/trace-diff.schema.json).
#pragma once
#include <nlohmann/json.hpp>
#include "trace/trace_align.hpp"

namespace detaudit::trace {

// summary, records, first, root, later_differing_records, path_split (no per-record table).
nlohmann::json divergence_json(const TraceDivergence& d);

// One differing record: seq, name, inputs, digests, dtypes, shapes, and metrics where values were kept.
nlohmann::json differing_record_json(const DifferingRecord& r);

} // namespace detaudit::trace
