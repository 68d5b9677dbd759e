#include "report/json_reporter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include "common/parallel_each.hpp"

namespace detaudit {
namespace {

// Built as ordered_json so a saved report reads top-down in the order of DESIGN.md §6;
// report_to_json converts it for callers that want a plain nlohmann::json.
using Json = nlohmann::ordered_json;

Json number_or_text(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

// Present only where an expectation judged the comparison (not for "any").
void add_verdict(Json& j, const ComparisonVerdict& v) {
    if (v.judged) j["verdict"] = Json{{"held", v.held}, {"reason", v.reason}};
}

Json value_json(const ValueText& v) { return Json{{"decimal", v.decimal}, {"hex", v.hex_bits}}; }

template <typename T> Json optional_json(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

Json cell_json(const Cell& c) {
    Json j;
    j["backend"] = c.backend;
    j["variant"] = c.variant;
    j["settings"] = c.settings;
    j["status"] = cell_status_name(c.status);
    if (c.status != CellStatus::ok) j["reason"] = c.reason;
    if (!c.error_detail.empty()) j["error_detail"] = c.error_detail;
    j["runs"] = c.runs;
    j["distinct_outputs"] = c.distinct_outputs;
    j["digests"] = c.digests;
    Json r2r;
    r2r["compared_runs"] = c.run_to_run.compared_runs;
    r2r["differing_runs"] = c.run_to_run.differing_runs;
    r2r["first_differing_run"] = optional_json(c.run_to_run.first_differing_run);
    if (c.run_to_run.same_multiset) r2r["same_multiset"] = *c.run_to_run.same_multiset;
    r2r["diff"] = diff_to_json(c.run_to_run.diff);
    add_verdict(r2r, c.run_to_run.verdict);
    if (!c.run_to_run.first_divergences.empty()) r2r["first_divergences"] = c.run_to_run.first_divergences;
    j["run_to_run"] = std::move(r2r);
    j["p_diff_95"] = optional_json(c.p_diff_95);
    if (c.auto_runs)
        j["auto_runs"] = {{"confidence", c.auto_runs->confidence}, {"max_p", c.auto_runs->max_p},
                          {"most_runs", c.auto_runs->most_runs},   {"stopped_by", c.auto_runs->stopped_by},
                          {"p_bound", optional_json(c.auto_runs->p_bound)},
                          {"bound_reached", c.auto_runs->p_bound && *c.auto_runs->p_bound <= c.auto_runs->max_p}};
    j["time"] = {{"cold_s", c.time.cold_s},
                 {"min_s", c.time.min_s},
                 {"median_s", c.time.median_s},
                 {"max_s", c.time.max_s}};
    j["output"] = {{"dtype", c.output_dtype}, {"shape", c.output_shape}};
    if (c.threads) j["threads"] = {{"requested", c.threads->requested}, {"granted", c.threads->granted}};
    if (c.accuracy) {
        const CellAccuracy& a = *c.accuracy;
        j["accuracy"] = {{"max_ulp", a.max_ulp},
                         {"max_abs", number_or_text(a.max_abs)},
                         {"max_rel", number_or_text(a.max_rel)},
                         {"elements", a.elements},
                         {"inexact_elements", a.inexact_elements},
                         {"nan_mismatches", a.nan_mismatches},
                         {"drift_to_error", optional_json(a.drift_to_error)}};
    }
    if (!c.reference_values.empty()) {
        Json values = Json::array();
        for (const auto& v : c.reference_values) values.push_back(value_json(v));
        j["reference_values"] = std::move(values);
    }
    return j;
}

Json comparison_json(const CellComparison& c) {
    Json j{{"axis", c.axis},          {"backend", c.backend},
           {"variant", c.variant},    {"reference", c.reference},
           {"other", c.other},        {"changed_axes", c.changed_axes},
           {"diff", diff_to_json(c.diff)}};
    add_verdict(j, c.verdict);
    if (!c.first_divergence.is_null()) j["first_divergence"] = c.first_divergence;
    return j;
}

Json expectation_json(const ExpectationResult& e) {
    Json j{{"axis", e.axis},           {"backend", e.backend}, {"expected", e.expected},
           {"evaluated", e.evaluated}, {"held", e.held},       {"detail", e.detail}};
    if (e.cells_failed) j["cells_failed"] = true;
    return j;
}

Json attribution_json(const Attribution& a) {
    Json axes = Json::array();
    for (const auto& effect : a.axes) {
        Json changes = Json::array();
        for (const auto& c : effect.changes)
            changes.push_back(Json{{"from", c.from}, {"to", c.to}, {"identical", c.identical},
                                   {"max_ulp", c.raw_bytes ? Json(nullptr) : Json(c.max_ulp)}, // bytes: no magnitude
                                   {"differing_fraction", c.differing_fraction},
                                   {"within_run_to_run_noise", c.within_noise},
                                   {"runs_differing", {{"from", {c.base_differing_runs, c.base_compared_runs}},
                                                       {"to", {c.differing_runs, c.compared_runs}}}},
                                   {"more_run_to_run", c.more_run_to_run}});
        axes.push_back(Json{{"axis", effect.axis}, {"changes_results", effect.changes_results},
                            {"more_run_to_run", effect.more_run_to_run}, {"changes", changes}});
    }
    return Json{{"backend", a.backend},
                {"summary", a.summary},
                {"run_to_run_nondeterministic", a.run_to_run_nondeterministic},
                {"axes", axes},
                {"interactions", a.interactions}};
}

Json operation_json(const OperationReport& op) {
    Json j;
    j["id"] = op.id;
    if (!op.output.empty()) j["output"] = op.output;
    j["kind"] = op.kind;
    j["algorithm"] = op.algorithm;
    j["description"] = op.description;
    j["parameters"] = op.parameters;
    j["design_class"] = op.design_class;
    j["measured_class"] = op.measured_class;
    j["design_contradictions"] = op.design_contradictions;
    Json cells = Json::array();
    for (const auto& c : op.cells) cells.push_back(cell_json(c));
    j["cells"] = std::move(cells);
    Json across = Json::array();
    for (const auto& c : op.across_variants) across.push_back(comparison_json(c));
    j["across_variants"] = std::move(across);
    Json cross = Json::array();
    for (const auto& c : op.cross_backend) cross.push_back(comparison_json(c));
    j["cross_backend"] = std::move(cross);
    if (!op.data.empty()) {
        j["data"] = op.data;
        Json across_algorithms = Json::array();
        for (const auto& c : op.across_algorithms) across_algorithms.push_back(comparison_json(c));
        j["across_algorithms"] = std::move(across_algorithms);
    }
    if (op.accuracy_reference)
        j["accuracy_reference"] = {{"method", op.accuracy_reference->method}, {"seconds", op.accuracy_reference->seconds}};
    Json expectations = Json::array();
    for (const auto& e : op.expectations) expectations.push_back(expectation_json(e));
    j["expectations"] = std::move(expectations);
    Json attribution = Json::array();
    for (const auto& a : op.attribution) attribution.push_back(attribution_json(a));
    j["attribution"] = std::move(attribution);
    return j;
}

Json axis_summary_json(const AxisSummary& a) {
    return Json{{"compared", a.compared}, {"identical", a.identical}, {"differing", a.differing}, {"failed", a.failed}};
}

Json summary_json(const Summary& s) {
    return Json{{"operations", s.operations},
                {"cells", s.cells},
                {"cells_ok", s.cells_ok},
                {"cells_skipped", s.cells_skipped},
                {"cells_error", s.cells_error},
                {"cells_identical", s.cells_identical},
                {"cells_differing", s.cells_differing},
                {"expectations_passed", s.expectations_passed},
                {"expectations_failed", s.expectations_failed},
                {"expectations_not_evaluated", s.expectations_not_evaluated},
                {"expectations_errored", s.expectations_errored},
                {"run_to_run", axis_summary_json(s.run_to_run)},
                {"across_variants", axis_summary_json(s.across_variants)},
                {"cross_backend", axis_summary_json(s.cross_backend)},
                {"exit_code", s.exit_code}};
}

Json shard_json(const ShardInfo& s) {
    Json operations = Json::array();
    for (const auto& [id, index] : s.operations) operations.push_back(Json{{"id", id}, {"index", index}});
    return Json{{"index", s.index}, {"count", s.count}, {"scenario_operations", s.scenario_operations},
                {"operations", std::move(operations)}};
}

// Everything but the operations, which come last.
Json build_head(const AuditReport& report) {
    Json j;
    j["schema_version"] = report.schema_version;
    j["tool"] = report.tool;
    j["scenario"] = report.scenario;
    j["started_at"] = report.started_at;
    j["duration_s"] = report.duration_s;
    j["interrupted"] = report.interrupted;
    j["environment"] = report.environment;
    Json backends = Json::array();
    for (const auto& b : report.backends) {
        backends.push_back(Json{{"name", b.name},
                                {"available", b.available},
                                {"reason", b.reason},
                                {"device", b.device}});
    }
    j["backends"] = std::move(backends);
    if (!report.runs_dir.empty()) j["runs_dir"] = report.runs_dir;
    if (report.shard) j["shard"] = shard_json(*report.shard);
    if (!report.merged_from.empty()) {
        Json merged = Json::array();
        for (const auto& m : report.merged_from)
            merged.push_back(Json{{"shard", m.index}, {"started_at", m.started_at},
                                  {"duration_s", m.duration_s}, {"environment", m.environment}});
        j["merged_from"] = std::move(merged);
    }
    j["summary"] = summary_json(report.summary);
    j["operations"] = Json::array(); // the last key: render_json splices the operations in
    return j;
}

Json build(const AuditReport& report) {
    Json j = build_head(report);
    Json& operations = j["operations"];
    for (const auto& op : report.operations) operations.push_back(operation_json(op));
    return j;
}

// Operations [first, last) as they appear in the report's "operations" array, each preceded by
// its line break and indentation, joined by commas: the serializer is started at the depth the
// whole document's dump reaches them at (4 spaces), so the text is byte for byte that dump's.
std::string render_operations(const std::vector<OperationReport>& operations, std::size_t first, std::size_t last) {
    std::string text;
    nlohmann::detail::serializer<Json> serializer(nlohmann::detail::output_adapter<char>(text), ' ',
                                                  Json::error_handler_t::replace);
    for (std::size_t i = first; i < last; ++i) {
        text += i == 0 ? "\n    " : ",\n    ";
        serializer.dump(operation_json(operations[i]), true, false, 2, 4);
    }
    return text;
}

} // namespace

nlohmann::ordered_json diff_to_json(const DiffStats& d) {
    Json j;
    j["identical"] = d.identical;
    if (d.raw_bytes) j["raw_bytes"] = true; // elements are bytes of a file that is not an array
    // Only present when true: then nothing else in the object is comparable.
    if (d.shape_mismatch) {
        j["shape_mismatch"] = true;
        j["mismatch_detail"] = d.mismatch_detail;
    }
    j["elements"] = d.elements;
    j["differing_elements"] = d.differing_elements;
    if (d.raw_bytes) {
        // Bytes of a file that is not an array have no magnitude: not 0, not applicable.
        j["max_ulp"] = nullptr;
        j["max_abs"] = nullptr;
        j["max_rel"] = nullptr;
        j["ulp_histogram"] = nullptr;
    } else {
        j["max_ulp"] = d.max_ulp; // integers: the largest |a - b|
        j["max_abs"] = number_or_text(d.max_abs);
        j["max_rel"] = number_or_text(d.max_rel);
        Json histogram = Json::object();
        const auto& labels = ulp_bucket_labels();
        for (std::size_t i = 0; i < k_ulp_buckets; ++i) histogram[labels[i]] = d.ulp_histogram[i];
        j["ulp_histogram"] = std::move(histogram);
    }
    j["nan_mismatches"] = d.nan_mismatches;
    if (d.first_difference) {
        j["first_difference"] = {{"index", d.first_difference->index},
                                 {"reference", value_json(d.first_difference->reference)},
                                 {"other", value_json(d.first_difference->other)}};
    } else {
        j["first_difference"] = nullptr;
    }
    return j;
}

nlohmann::json report_to_json(const AuditReport& report) { return nlohmann::json(build(report)); }

std::string render_json(const AuditReport& report) { return render_json(report, {}); }

std::string render_json(const AuditReport& report, const std::vector<std::string_view>& operation_texts) {
    std::string text = build_head(report).dump(2, ' ', false, Json::error_handler_t::replace);
    const std::size_t ops = report.operations.size();
    if (ops == 0) return text + '\n';
    // The operations go into the empty array the head ends with.
    const std::string_view empty_tail = "[]\n}";
    if (text.size() < empty_tail.size() || text.compare(text.size() - empty_tail.size(), empty_tail.size(), empty_tail) != 0)
        throw std::logic_error("render_json: the report's head does not end with its operations");
    text.resize(text.size() - empty_tail.size());
    std::vector<std::string> parts;
    if (operation_texts.size() == ops) {
        std::size_t size = text.size() + 16;
        for (const auto& op : operation_texts) size += op.size() + 6;
        text.reserve(size);
        text += '[';
        for (std::size_t i = 0; i < ops; ++i) {
            text += i == 0 ? "\n    " : ",\n    ";
            text += operation_texts[i];
        }
    } else {
        // A fleet's merged report holds tens of thousands of operations: they render in
        // parallel, in contiguous chunks joined in order.
        const std::size_t chunks = std::min<std::size_t>(ops, 64);
        parts.resize(chunks);
        parallel_each(chunks, [&](std::size_t c) {
            parts[c] = render_operations(report.operations, ops * c / chunks, ops * (c + 1) / chunks);
        });
        std::size_t size = text.size() + 16;
        for (const auto& part : parts) size += part.size();
        text.reserve(size);
        text += '[';
        for (const auto& part : parts) text += part;
    }
    text += "\n  ]\n}\n";
    return text;
}

} // namespace detaudit
