// scenario.baseline in `detaudit merge`: shards run with --baseline each record the cells that
// differ from the baseline (and those it lacks) among their own operations; the merged report
// holds them all, in its operations' order, as an unsharded run would.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include "report/report.hpp"

namespace detaudit {

struct ShardScenario {
    std::string name;              // the shard report's file, for messages
    const nlohmann::json* scenario; // its report.scenario
};

// Sets merged_scenario["baseline"] from the shards' (in shard order), or leaves it absent when no
// shard ran with --baseline. Throws Error (usage, "merge: ...") when the shards disagree on
// whether a baseline was used, which report or which dumps.
void merge_baseline_records(nlohmann::json& merged_scenario, const std::vector<ShardScenario>& shards,
                            const std::vector<OperationReport>& merged_operations);

} // namespace detaudit
