// `detaudit merge`: shard reports (run --shard K/N) joined into the report an unsharded run would
// have written. Operations are the unit of sharding, so every per-operation result (cells,
// comparisons, expectations, measured classes, attribution) is already final in its shard; what
// spans operations (the summary, the exit code, the backends) is recomputed here as a run does.
#pragma once
#include <string>
#include <string_view>
#include <vector>
#include "report/report.hpp"

namespace detaudit {

struct ShardReport {
    std::string name; // the file it came from, for messages
    AuditReport report;
    std::string_view text = {}; // the file's text, when the caller keeps it: see below
};

// Throws detaudit::Error (usage, exit 2) with one line naming the files when the shards are not
// exactly shards 1..N of one scenario: a report that is no shard, another scenario digest, N, runs
// or strictness, a shard given twice or missing, an operation or a cell in two places, an
// operation of a shard missing from its report.
// `merged_texts`, when given and every shard has its text: the text of each merged operation
// (views into the shards' texts), for render_json to copy; left empty when a shard's operations
// cannot be found in its text.
AuditReport merge_shard_reports(std::vector<ShardReport> shards,
                                std::vector<std::string_view>* merged_texts = nullptr);

} // namespace detaudit
