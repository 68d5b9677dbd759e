#include "merge_reports.hpp"
#include <algorithm>
#include <map>
#include <set>
#include "common/error.hpp"
#include "common/parallel_each.hpp"
#include "report/report_text.hpp"
#include "expectations.hpp"
#include "merge_baseline.hpp"
#include "shard.hpp"

namespace detaudit {
namespace {

Error refused(const std::string& line) { return Error(ErrorKind::usage, "merge: " + line); }

std::string text_of(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() ? "" : it->dump();
}

std::string shard_text(const ShardInfo& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

// The scenario and the run settings every shard must share with the first.
void check_same_audit(const ShardReport& first, const ShardReport& other) {
    if (!other.report.shard) throw refused(other.name + " is not a shard report (written without run --shard)");
    const ShardInfo& shard = *other.report.shard;
    if (shard.count == 0 || shard.index == 0 || shard.index > shard.count)
        throw refused(other.name + ": shard " + shard_text(shard) + " is not K/N with 1 <= K <= N");
    const auto& a = first.report.scenario;
    const auto& b = other.report.scenario;
    if (text_of(b, "scenario_digest").empty())
        throw refused(other.name + " has no scenario.scenario_digest (written by an older detaudit)");
    if (text_of(a, "scenario_digest") != text_of(b, "scenario_digest"))
        throw refused(other.name + " is of another scenario than " + first.name + " (scenario_digest " +
                      b.value("scenario_digest", "") + " vs " + a.value("scenario_digest", "") + ")");
    if (other.report.shard->count != first.report.shard->count)
        throw refused(other.name + " is shard " + shard_text(*other.report.shard) + " but " + first.name + " is " +
                      shard_text(*first.report.shard) + ": the shards must split into the same N");
    for (const char* key : {"runs", "strict", "seed", "vary_mode"})
        if (text_of(a, key) != text_of(b, key))
            throw refused(other.name + " ran with scenario." + key + " " + text_of(b, key) + " but " + first.name +
                          " with " + text_of(a, key));
    if (other.report.schema_version != first.report.schema_version)
        throw refused(other.name + " has schema_version " + std::to_string(other.report.schema_version) + ", " +
                      first.name + " " + std::to_string(first.report.schema_version));
}

// Every shard 1..N exactly once; returns them in shard order.
std::vector<ShardReport*> in_shard_order(std::vector<ShardReport>& shards) {
    const std::size_t count = shards.front().report.shard->count;
    std::vector<ShardReport*> order(count, nullptr);
    for (auto& s : shards) {
        ShardReport*& slot = order[s.report.shard->index - 1];
        if (slot) throw refused(slot->name + " and " + s.name + " are both shard " + shard_text(*s.report.shard));
        slot = &s;
    }
    for (std::size_t k = 0; k < count; ++k)
        if (!order[k])
            throw refused("shard " + std::to_string(k + 1) + "/" + std::to_string(count) + " is missing (" +
                          std::to_string(shards.size()) + " of " + std::to_string(count) + " given)");
    return order;
}

// Each operation of the scenario in exactly one shard, the one its id hashes to; returns each op
// id's index in the scenario.
std::map<std::string, std::size_t> check_operations(const std::vector<ShardReport*>& order) {
    const std::size_t total = order.front()->report.shard->scenario_operations;
    std::map<std::string, std::size_t> index_of;
    std::vector<const ShardReport*> holder(total, nullptr);
    for (const ShardReport* s : order) {
        const ShardInfo& info = *s->report.shard;
        if (info.scenario_operations != total)
            throw refused(s->name + " counts " + std::to_string(info.scenario_operations) + " operations in the scenario, " +
                          order.front()->name + " " + std::to_string(total));
        for (const auto& [id, index] : info.operations) {
            if (index >= total || shard_of(id, info.count) != info.index)
                throw refused(s->name + " lists operation \"" + id + "\" that shard " + shard_text(info) + " does not run");
            if (holder[index] || index_of.count(id))
                throw refused("operation \"" + id + "\" is in " + (holder[index] ? holder[index]->name : s->name) +
                              " and " + s->name);
            holder[index] = s;
            index_of[id] = index;
        }
    }
    for (std::size_t i = 0; i < total; ++i)
        if (!holder[i]) throw refused("operation " + std::to_string(i) + " of the scenario is in no shard");
    return index_of;
}

// The report's operations belong to its shard, none twice, no cell twice, none missing.
void check_report_operations(const ShardReport& s, const std::map<std::string, std::size_t>& index_of,
                             std::set<std::string>& seen) {
    std::set<std::string> listed, present;
    for (const auto& entry : s.report.shard->operations) listed.insert(entry.first);
    for (const auto& op : s.report.operations) {
        if (!listed.count(op.id) || !index_of.count(op.id))
            throw refused(s.name + " holds operation \"" + op.id + "\" that its shard does not list");
        if (!seen.insert(display_name(op)).second)
            throw refused("duplicate cells: operation \"" + display_name(op) + "\" appears twice (last in " + s.name + ")");
        std::set<std::pair<std::string, std::string>> cells;
        for (const auto& c : op.cells)
            if (!cells.insert({c.backend, c.variant}).second)
                throw refused(s.name + ": duplicate cell " + display_name(op) + " " + c.backend + "/" + c.variant);
        present.insert(op.id);
    }
    if (!s.report.interrupted)
        for (const auto& id : listed)
            if (!present.count(id)) throw refused(s.name + " lacks operation \"" + id + "\" of its shard (truncated?)");
}

std::vector<BackendStatus> union_of_backends(const std::vector<ShardReport*>& order) {
    std::map<std::string, BackendStatus> by_name; // sorted by name, as a run probes them
    for (const ShardReport* s : order)
        for (const auto& b : s->report.backends) {
            auto [it, inserted] = by_name.emplace(b.name, b);
            if (!inserted && b.available && !it->second.available) it->second = b;
        }
    std::vector<BackendStatus> out;
    for (auto& [name, status] : by_name) out.push_back(std::move(status));
    return out;
}

// Each shard's operation texts (report_text.hpp), scanned in parallel; empty when a shard has no
// text or its text does not split into exactly its operations.
std::vector<std::vector<std::string_view>> shard_operation_texts(const std::vector<ShardReport*>& order) {
    std::vector<std::vector<std::string_view>> texts(order.size());
    bool complete = true;
    parallel_each(order.size(), [&](std::size_t k) {
        auto found = operation_texts(order[k]->text);
        if (found && found->size() == order[k]->report.operations.size()) texts[k] = std::move(*found);
    });
    for (std::size_t k = 0; k < order.size(); ++k)
        complete = complete && texts[k].size() == order[k]->report.operations.size();
    if (!complete) texts.clear();
    return texts;
}

} // namespace

AuditReport merge_shard_reports(std::vector<ShardReport> shards, std::vector<std::string_view>* merged_texts) {
    if (shards.empty()) throw refused("no reports given");
    if (!shards.front().report.shard)
        throw refused(shards.front().name + " is not a shard report (written without run --shard)");
    for (const auto& s : shards) check_same_audit(shards.front(), s);
    const std::vector<ShardReport*> order = in_shard_order(shards);
    const auto index_of = check_operations(order);
    std::set<std::string> seen;
    for (const ShardReport* s : order) check_report_operations(*s, index_of, seen);

    AuditReport merged;
    const AuditReport& first = order.front()->report;
    merged.schema_version = first.schema_version;
    merged.tool = first.tool;
    merged.scenario = first.scenario;
    merged.started_at = first.started_at;
    merged.environment = first.environment;
    bool required_missing = false;
    const auto texts = merged_texts ? shard_operation_texts(order) : std::vector<std::vector<std::string_view>>{};
    struct Placed {
        std::size_t index; // in the scenario
        OperationReport op;
        std::string_view text;
    };
    std::vector<Placed> operations;
    for (std::size_t k = 0; k < order.size(); ++k) {
        AuditReport& r = order[k]->report;
        merged.started_at = std::min(merged.started_at, r.started_at); // ISO 8601 UTC sorts as text
        merged.duration_s = std::max(merged.duration_s, r.duration_s);  // shards run side by side
        merged.interrupted = merged.interrupted || r.interrupted;
        required_missing = required_missing || r.summary.exit_code == exit_code::k_required_backend_unavailable;
        merged.merged_from.push_back(MergedShard{r.shard->index, r.started_at, r.duration_s, r.environment});
        for (std::size_t i = 0; i < r.operations.size(); ++i)
            operations.push_back({index_of.at(r.operations[i].id), std::move(r.operations[i]),
                                  texts.empty() ? std::string_view{} : texts[k][i]});
    }
    merged.backends = union_of_backends(order);
    // An exec op's entries (one per output) keep their order: the sort is stable.
    std::stable_sort(operations.begin(), operations.end(),
                     [](const Placed& a, const Placed& b) { return a.index < b.index; });
    merged.operations.reserve(operations.size());
    for (auto& entry : operations) {
        merged.operations.push_back(std::move(entry.op));
        if (!texts.empty()) merged_texts->push_back(entry.text);
    }
    std::vector<ShardScenario> scenarios;
    for (const ShardReport* s : order) scenarios.push_back({s->name, &s->report.scenario});
    merge_baseline_records(merged.scenario, scenarios, merged.operations);
    merged.summary = summarize(merged, required_missing);
    return merged;
}

} // namespace detaudit
