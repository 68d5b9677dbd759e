// `run --shard K/N`: which operations one of N shards runs. The unit is the operation: all of an
// op's cells stay in one process, because its across_variants and cross_backend comparisons need
// them together. Assignment is rendezvous (highest-random-weight) hashing of the op id, so it is
// the same on every machine and, when N changes, only the ops whose winner changes move.
#pragma once
#include <cstddef>
#include <string>
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace detaudit {

struct Shard {
    std::size_t index = 1; // 1-based: 1..count
    std::size_t count = 1;
};

// "K/N" with 1 <= K <= N (1-based). Throws detaudit::Error (usage, exit 2) naming `flag`.
Shard parse_shard(const std::string& text, const std::string& flag);

// The 1-based shard of `count` that runs the operation `op_id`.
std::size_t shard_of(const std::string& op_id, std::size_t count);

// What a shard's report records: K, N and the scenario's operations that shard runs.
ShardInfo shard_info(const Scenario& scenario, const Shard& shard);

} // namespace detaudit
