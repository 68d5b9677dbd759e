#include "trace/trace_json.hpp"

namespace detaudit::trace {

nlohmann::json differing_record_json(const DifferingRecord& r) {
    nlohmann::json j = {{"seq", r.seq},           {"name", r.name},         {"inputs", inputs_match_name(r.inputs)},
                        {"digest_a", r.digest_a}, {"digest_b", r.digest_b}, {"dtype_a", r.dtype_a},
                        {"dtype_b", r.dtype_b},   {"shape_a", r.shape_a},   {"shape_b", r.shape_b}};
    if (r.stats) {
        const DiffStats& s = *r.stats;
        nlohmann::json m = {{"elements", s.elements}, {"differing_elements", s.differing_elements}};
        if (s.shape_mismatch) m["mismatch"] = s.mismatch_detail;
        if (!s.raw_bytes && !s.shape_mismatch) {
            m["max_ulp"] = s.max_ulp;
            m["max_abs"] = s.max_abs;
            m["max_rel"] = s.max_rel;
        }
        j["metrics"] = m;
    } else if (!r.stats_error.empty()) {
        j["metrics_error"] = r.stats_error;
    }
    return j;
}

nlohmann::json divergence_json(const TraceDivergence& d) {
    nlohmann::json j = {{"summary", describe_divergence(d)},
                        {"identical", d.identical()},
                        {"records_a", d.records_a},
                        {"records_b", d.records_b},
                        {"aligned_records", d.aligned},
                        {"differing_records", d.differing},
                        {"later_differing_records", d.differing > 0 ? d.differing - 1 : 0}};
    j["first"] = d.first ? differing_record_json(*d.first) : nlohmann::json(nullptr);
    j["root"] = d.root ? differing_record_json(*d.root) : nlohmann::json(nullptr);
    if (d.split) {
        auto name = [](const std::string& n) { return n.empty() ? nlohmann::json(nullptr) : nlohmann::json(n); };
        j["path_split"] = {{"seq", d.split->seq}, {"name_a", name(d.split->name_a)}, {"name_b", name(d.split->name_b)}};
    } else {
        j["path_split"] = nullptr;
    }
    return j;
}

} // namespace detaudit::trace
