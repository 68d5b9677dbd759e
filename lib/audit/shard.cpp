#include "shard.hpp"
#include <charconv>
#include <cstdint>
#include <string_view>
#include <xxhash.h>
#include "common/error.hpp"

namespace detaudit {
namespace {

constexpr std::size_t k_max_shards = 100000;

bool parse_count(std::string_view text, std::size_t& value) {
    if (text.empty() || text.size() > 9) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

Shard parse_shard(const std::string& text, const std::string& flag) {
    const auto bad = [&](const std::string& why) {
        return Error(ErrorKind::usage, flag + ": \"" + text + "\" " + why);
    };
    const std::size_t slash = text.find('/');
    Shard s;
    if (slash == std::string::npos || !parse_count(std::string_view(text).substr(0, slash), s.index) ||
        !parse_count(std::string_view(text).substr(slash + 1), s.count))
        throw bad("is not K/N (two whole numbers, e.g. 2/4)");
    if (s.count == 0 || s.count > k_max_shards)
        throw bad("needs 1 <= N <= " + std::to_string(k_max_shards));
    if (s.index == 0 || s.index > s.count) throw bad("needs 1 <= K <= N (shards are numbered from 1)");
    return s;
}

std::size_t shard_of(const std::string& op_id, std::size_t count) {
    std::size_t best = 1;
    uint64_t best_weight = 0;
    for (std::size_t k = 1; k <= count; ++k) {
        // The weight of (op, shard k): independent of count, so growing N only adds contenders.
        const uint64_t weight = XXH3_64bits_withSeed(op_id.data(), op_id.size(), k);
        if (k == 1 || weight > best_weight) {
            best = k;
            best_weight = weight;
        }
    }
    return best;
}

ShardInfo shard_info(const Scenario& scenario, const Shard& shard) {
    ShardInfo info;
    info.index = shard.index;
    info.count = shard.count;
    info.scenario_operations = scenario.operations.size();
    for (std::size_t i = 0; i < scenario.operations.size(); ++i)
        if (shard_of(scenario.operations[i].id, shard.count) == shard.index)
            info.operations.emplace_back(scenario.operations[i].id, i);
    return info;
}

} // namespace detaudit
