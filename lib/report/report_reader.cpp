#include "report/report_reader.hpp"

#include "common/dtype.hpp"
#include "common/parallel_each.hpp"
#include "io/read_file.hpp"
#include "report/json_fields.hpp"
#include "report/report_json_parse.hpp"
#include "report/report_reader_cells.hpp"

namespace detaudit {
namespace {

// Larger than any report detaudit writes (a 10,000-cell report is tens of MiB).
constexpr std::size_t k_max_report_bytes = std::size_t{1} << 30;

ExpectationResult read_expectation(const JsonAt& at) {
    JsonObject o(at);
    ExpectationResult e;
    e.axis = o.required("axis").string();
    e.backend = o.required("backend").string();
    e.expected = o.required("expected").value;
    if (o.has("cells_failed")) e.cells_failed = o.optional("cells_failed").boolean();
    e.evaluated = o.required("evaluated").boolean();
    e.held = o.required("held").boolean();
    e.detail = o.required("detail").string();
    o.finish();
    return e;
}

AxisEffect::Change read_change(const JsonAt& at) {
    JsonObject o(at);
    AxisEffect::Change c;
    c.from = o.required("from").string();
    c.to = o.required("to").string();
    c.identical = o.required("identical").boolean();
    const JsonAt max_ulp = o.required("max_ulp");
    c.raw_bytes = max_ulp.value.is_null(); // the writer's null: bytes have no magnitude
    if (!c.raw_bytes) c.max_ulp = max_ulp.uint64();
    c.differing_fraction = o.required("differing_fraction").number();
    c.within_noise = o.required("within_run_to_run_noise").boolean();
    if (o.has("runs_differing")) {
        JsonObject runs(o.optional("runs_differing"));
        const auto pair = [](const JsonAt& p, std::size_t& differing, std::size_t& compared) {
            if (p.array().size() != 2) p.fail("[runs that differ, runs compared]");
            differing = p.at(0).count();
            compared = p.at(1).count();
        };
        pair(runs.required("from"), c.base_differing_runs, c.base_compared_runs);
        pair(runs.required("to"), c.differing_runs, c.compared_runs);
        runs.finish();
    }
    if (o.has("more_run_to_run")) c.more_run_to_run = o.optional("more_run_to_run").boolean();
    o.finish();
    return c;
}

Attribution read_attribution(const JsonAt& at) {
    JsonObject o(at);
    Attribution a;
    a.backend = o.required("backend").string();
    a.summary = o.required("summary").string();
    a.run_to_run_nondeterministic = o.required("run_to_run_nondeterministic").boolean();
    const JsonAt axes = o.required("axes");
    for (std::size_t i = 0; i < axes.array().size(); ++i) {
        JsonObject axis(axes.at(i));
        AxisEffect effect;
        effect.axis = axis.required("axis").string();
        effect.changes_results = axis.required("changes_results").boolean();
        if (axis.has("more_run_to_run")) effect.more_run_to_run = axis.optional("more_run_to_run").boolean();
        const JsonAt changes = axis.required("changes");
        for (std::size_t k = 0; k < changes.array().size(); ++k)
            effect.changes.push_back(read_change(changes.at(k)));
        axis.finish();
        a.axes.push_back(std::move(effect));
    }
    a.interactions = o.required("interactions").strings();
    o.finish();
    return a;
}

template <typename T, typename Read> std::vector<T> read_array(const JsonAt& at, Read read) {
    std::vector<T> out;
    out.reserve(at.array().size());
    for (std::size_t i = 0; i < at.array().size(); ++i)
        out.push_back(read(at.at(i)));
    return out;
}

std::map<std::string, std::string> read_string_map(const JsonAt& at) {
    std::map<std::string, std::string> out;
    for (const auto& item : at.object().items())
        out[item.key()] =
            JsonAt{item.value(), JsonPointer(at.pointer, item.key()), at.errors}.string();
    return out;
}

// The report keeps a comparison's dtype once, as its cells' output dtype; what max_ulp means
// (has_ulp) depends on it. Raw-bytes and unknown dtypes keep the default.
void restore_dtypes(OperationReport& op) {
    std::optional<DType> op_dtype;
    for (auto& c : op.cells) {
        const auto dtype = parse_dtype(c.output_dtype);
        if (!dtype) continue;
        c.run_to_run.diff.dtype = *dtype;
        if (!op_dtype) op_dtype = dtype;
    }
    if (!op_dtype) return;
    for (auto* comparisons : {&op.across_variants, &op.cross_backend, &op.across_algorithms})
        for (auto& c : *comparisons)
            c.diff.dtype = *op_dtype;
}

OperationReport read_operation(const JsonAt& at) {
    JsonObject o(at);
    OperationReport op;
    op.id = o.required("id").string();
    if (o.has("output")) op.output = o.optional("output").string();
    op.kind = o.required("kind").string();
    op.algorithm = o.required("algorithm").string();
    op.description = o.required("description").string();
    op.parameters = o.required("parameters").object();
    op.design_class = read_string_map(o.required("design_class"));
    op.measured_class = read_string_map(o.required("measured_class"));
    op.design_contradictions = o.required("design_contradictions").strings();
    op.cells = read_array<Cell>(o.required("cells"), read_cell);
    op.across_variants = read_array<CellComparison>(o.required("across_variants"), read_comparison);
    op.cross_backend = read_array<CellComparison>(o.required("cross_backend"), read_comparison);
    op.expectations = read_array<ExpectationResult>(o.required("expectations"), read_expectation);
    op.attribution = read_array<Attribution>(o.required("attribution"), read_attribution);
    if (o.has("data")) {
        op.data = o.optional("data").string();
        op.across_algorithms = read_array<CellComparison>(o.required("across_algorithms"), read_comparison);
    }
    if (o.has("accuracy_reference")) {
        JsonObject r(o.optional("accuracy_reference"));
        op.accuracy_reference = AccuracyReference{r.required("method").string(), r.required("seconds").number()};
        r.finish();
    }
    o.finish();
    restore_dtypes(op);
    return op;
}

AxisSummary read_axis_summary(const JsonAt& at) {
    JsonObject o(at);
    AxisSummary a{o.required("compared").count(), o.required("identical").count(),
                  o.required("differing").count(), o.required("failed").count()};
    o.finish();
    return a;
}

Summary read_summary(const JsonAt& at) {
    JsonObject o(at);
    Summary s;
    const std::pair<const char*, std::size_t*> counts[] = {
        {"operations", &s.operations},
        {"cells", &s.cells},
        {"cells_ok", &s.cells_ok},
        {"cells_skipped", &s.cells_skipped},
        {"cells_error", &s.cells_error},
        {"cells_identical", &s.cells_identical},
        {"cells_differing", &s.cells_differing},
        {"expectations_passed", &s.expectations_passed},
        {"expectations_failed", &s.expectations_failed},
        {"expectations_not_evaluated", &s.expectations_not_evaluated},
        {"expectations_errored", &s.expectations_errored}};
    for (const auto& [key, field] : counts)
        *field = o.required(key).count();
    s.run_to_run = read_axis_summary(o.required("run_to_run"));
    s.across_variants = read_axis_summary(o.required("across_variants"));
    s.cross_backend = read_axis_summary(o.required("cross_backend"));
    s.exit_code = o.required("exit_code").integer();
    o.finish();
    return s;
}

BackendStatus read_backend(const JsonAt& at) {
    JsonObject o(at);
    BackendStatus b{o.required("name").string(), o.required("available").boolean(),
                    o.required("reason").string(), o.required("device").string()};
    o.finish();
    return b;
}

ShardInfo read_shard(const JsonAt& at) {
    JsonObject o(at);
    ShardInfo s;
    s.index = o.required("index").count();
    s.count = o.required("count").count();
    s.scenario_operations = o.required("scenario_operations").count();
    const JsonAt operations = o.required("operations");
    const auto& list = operations.array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        JsonObject entry(operations.at(i));
        std::string id = entry.required("id").string();
        s.operations.emplace_back(std::move(id), entry.required("index").count());
        entry.finish();
    }
    o.finish();
    return s;
}

MergedShard read_merged_shard(const JsonAt& at) {
    JsonObject o(at);
    MergedShard m;
    m.index = o.required("shard").count();
    m.started_at = o.required("started_at").string();
    m.duration_s = o.required("duration_s").number();
    m.environment = o.required("environment").object();
    o.finish();
    return m;
}

int read_schema_version(JsonObject& o) {
    const JsonAt at = o.required("schema_version");
    const int version = at.integer();
    if (version != k_report_schema_version)
        at.errors.fail(at.pointer.text(), "schema version " + std::to_string(version) +
                                       " is not one this detaudit reads (it reads version " +
                                       std::to_string(k_report_schema_version) + ")");
    return version;
}

AuditReport read_document(const JsonAt& root) {
    JsonObject o(root);
    AuditReport r;
    r.schema_version = read_schema_version(o);
    r.tool = o.required("tool").object();
    r.scenario = o.required("scenario").object();
    r.started_at = o.required("started_at").string();
    r.duration_s = o.required("duration_s").number();
    r.interrupted = o.required("interrupted").boolean();
    r.environment = o.required("environment").object();
    r.backends = read_array<BackendStatus>(o.required("backends"), read_backend);
    if (o.has("runs_dir")) r.runs_dir = o.optional("runs_dir").string();
    r.summary = read_summary(o.required("summary"));
    r.operations = read_array<OperationReport>(o.required("operations"), read_operation);
    if (o.has("shard")) r.shard = read_shard(o.optional("shard"));
    if (o.has("merged_from")) r.merged_from = read_array<MergedShard>(o.optional("merged_from"), read_merged_shard);
    o.finish();
    return r;
}

} // namespace

AuditReport parse_report(std::string_view text, const std::string& file) {
    const ScenarioErrors errors(file);
    const nlohmann::json document = parse_report_json(text, errors);
    return read_document(JsonAt{document, JsonPointer(), errors});
}

AuditReport read_report(const std::string& path) {
    return parse_report(read_regular_file(path, k_max_report_bytes, "report"), path);
}

std::vector<AuditReport> read_reports(const std::vector<std::string>& paths, std::vector<std::string>* texts) {
    std::vector<AuditReport> reports(paths.size());
    std::vector<std::string> kept(texts ? paths.size() : 0);
    parallel_each(paths.size(), [&](std::size_t i) {
        std::string text = read_regular_file(paths[i], k_max_report_bytes, "report");
        reports[i] = parse_report(text, paths[i]);
        if (texts) kept[i] = std::move(text);
    });
    if (texts) *texts = std::move(kept);
    return reports;
}

} // namespace detaudit
