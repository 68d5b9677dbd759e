#include "merge_baseline.hpp"
#include <algorithm>
#include <map>
#include "common/error.hpp"

namespace detaudit {
namespace {

using Json = nlohmann::json;

const Json* baseline_of(const ShardScenario& s) {
    const auto it = s.scenario->find("baseline");
    return it == s.scenario->end() ? nullptr : &*it;
}

std::string field_text(const Json& baseline, const char* key) {
    const auto it = baseline.find(key);
    return it == baseline.end() ? "none" : it->dump();
}

void check_same_baseline(const ShardScenario& first, const ShardScenario& other) {
    const Json* a = baseline_of(first);
    const Json* b = baseline_of(other);
    if (!a != !b)
        throw Error(ErrorKind::usage, "merge: " + (a ? first.name : other.name) + " ran with --baseline but " +
                                          (a ? other.name : first.name) + " without");
    if (!a) return;
    for (const char* key : {"report", "dumps"})
        if (field_text(*a, key) != field_text(*b, key))
            throw Error(ErrorKind::usage, "merge: " + other.name + " ran with baseline " + key + " " + field_text(*b, key) +
                                              " but " + first.name + " with " + field_text(*a, key));
}

// The merged operation a missing-cell key ("entry backend/variant") belongs to: the longest
// operation name it starts with (names and variants may hold spaces, so no split is safe).
std::size_t operation_of_key(const std::string& key, const std::map<std::string, std::size_t>& index_of) {
    std::size_t best = index_of.size(), best_length = 0;
    for (const auto& [name, index] : index_of)
        if (name.size() >= best_length && key.size() > name.size() && key.compare(0, name.size(), name) == 0 &&
            key[name.size()] == ' ')
            best = index, best_length = name.size();
    return best;
}

} // namespace

void merge_baseline_records(Json& merged_scenario, const std::vector<ShardScenario>& shards,
                            const std::vector<OperationReport>& merged_operations) {
    if (shards.empty()) return;
    for (const auto& s : shards) check_same_baseline(shards.front(), s);
    const Json* first = baseline_of(shards.front());
    if (!first) return;
    std::map<std::string, std::size_t> index_of;
    for (std::size_t i = 0; i < merged_operations.size(); ++i) index_of.emplace(display_name(merged_operations[i]), i);
    // Each operation is in one shard, whose records for it are already in a run's order: a stable
    // sort by operation puts the shards' records where one run would have written them.
    std::vector<std::pair<std::size_t, Json>> differing;
    std::vector<std::pair<std::size_t, std::string>> missing;
    for (const auto& s : shards) {
        const Json& b = *baseline_of(s);
        for (const auto& record : b.value("differing_cells", Json::array())) {
            const auto it = index_of.find(record.value("operation", ""));
            differing.emplace_back(it == index_of.end() ? index_of.size() : it->second, record);
        }
        for (const auto& key : b.value("missing_cells", Json::array()))
            if (key.is_string()) missing.emplace_back(operation_of_key(key.get<std::string>(), index_of), key.get<std::string>());
    }
    const auto by_operation = [](const auto& x, const auto& y) { return x.first < y.first; };
    std::stable_sort(differing.begin(), differing.end(), by_operation);
    std::stable_sort(missing.begin(), missing.end(), by_operation);
    Json merged = *first;
    merged["differing_cells"] = Json::array();
    merged["missing_cells"] = Json::array();
    for (auto& [index, record] : differing) merged["differing_cells"].push_back(std::move(record));
    for (auto& [index, key] : missing) merged["missing_cells"].push_back(std::move(key));
    merged_scenario["baseline"] = std::move(merged);
}

} // namespace detaudit
