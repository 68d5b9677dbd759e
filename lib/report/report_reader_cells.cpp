#include "report/report_reader_cells.hpp"

namespace detaudit {
namespace {

ComparisonVerdict read_verdict(JsonObject& parent) {
    ComparisonVerdict v;
    if (!parent.has("verdict")) return v;
    JsonObject o(parent.optional("verdict"));
    v.judged = true;
    v.held = o.required("held").boolean();
    v.reason = o.required("reason").string();
    o.finish();
    return v;
}

ValueText read_value(const JsonAt& at) {
    JsonObject o(at);
    ValueText v{o.required("decimal").string(), o.required("hex").string()};
    o.finish();
    return v;
}

void read_magnitudes(JsonObject& o, DiffStats& d) {
    if (d.raw_bytes) {
        for (const char* key : {"max_ulp", "max_abs", "max_rel", "ulp_histogram"}) {
            const JsonAt at = o.required(key);
            if (!at.value.is_null()) at.fail("null (raw bytes have no magnitude)");
        }
        return;
    }
    d.max_ulp = o.required("max_ulp").uint64();
    d.max_abs = o.required("max_abs").number_or_text();
    d.max_rel = o.required("max_rel").number_or_text();
    JsonObject histogram(o.required("ulp_histogram"));
    const auto& labels = ulp_bucket_labels();
    for (std::size_t i = 0; i < k_ulp_buckets; ++i)
        d.ulp_histogram[i] = histogram.required(labels[i]).uint64();
    histogram.finish();
}

DiffStats read_diff(const JsonAt& at) {
    JsonObject o(at);
    DiffStats d;
    d.identical = o.required("identical").boolean();
    if (o.has("raw_bytes")) d.raw_bytes = o.optional("raw_bytes").boolean();
    if (o.has("shape_mismatch")) {
        d.shape_mismatch = o.optional("shape_mismatch").boolean();
        d.mismatch_detail = o.required("mismatch_detail").string();
    }
    d.elements = o.required("elements").count();
    d.differing_elements = o.required("differing_elements").count();
    read_magnitudes(o, d);
    d.nan_mismatches = o.required("nan_mismatches").count();
    const JsonAt first = o.required("first_difference");
    if (!first.value.is_null()) {
        JsonObject f(first);
        d.first_difference =
            FirstDifference{f.required("index").count(), read_value(f.required("reference")),
                            read_value(f.required("other"))};
        f.finish();
    }
    o.finish();
    return d;
}

RunToRun read_run_to_run(const JsonAt& at) {
    JsonObject o(at);
    RunToRun r;
    r.compared_runs = o.required("compared_runs").count();
    r.differing_runs = o.required("differing_runs").count();
    const JsonAt first = o.required("first_differing_run");
    if (!first.value.is_null()) r.first_differing_run = first.count();
    if (o.has("same_multiset")) r.same_multiset = o.optional("same_multiset").boolean();
    r.diff = read_diff(o.required("diff"));
    r.verdict = read_verdict(o);
    if (o.has("first_divergences")) r.first_divergences = o.optional("first_divergences").array();
    o.finish();
    return r;
}

CellStatus read_status(const JsonAt& at) {
    const std::string name = at.string();
    for (CellStatus s : {CellStatus::ok, CellStatus::skipped, CellStatus::error})
        if (cell_status_name(s) == name) return s;
    at.fail("\"ok\", \"skipped\" or \"error\"");
}

void read_cell_output(JsonObject& o, Cell& c) {
    JsonObject time(o.required("time"));
    c.time = TimingStats{time.required("cold_s").number(), time.required("min_s").number(),
                         time.required("median_s").number(), time.required("max_s").number()};
    time.finish();
    JsonObject output(o.required("output"));
    c.output_dtype = output.required("dtype").string();
    const JsonAt shape = output.required("shape");
    for (std::size_t i = 0; i < shape.array().size(); ++i)
        c.output_shape.push_back(shape.at(i).count());
    output.finish();
    if (o.has("threads")) {
        JsonObject threads(o.optional("threads"));
        c.threads = ThreadCount{threads.required("requested").integer(),
                                threads.required("granted").integer()};
        threads.finish();
    }
    if (o.has("reference_values")) {
        const JsonAt values = o.optional("reference_values");
        for (std::size_t i = 0; i < values.array().size(); ++i)
            c.reference_values.push_back(read_value(values.at(i)));
    }
}

AutoRunsOutcome read_auto_runs(const JsonAt& at) {
    JsonObject o(at);
    AutoRunsOutcome a;
    a.confidence = o.required("confidence").number();
    a.max_p = o.required("max_p").number();
    a.most_runs = o.required("most_runs").count();
    a.stopped_by = o.required("stopped_by").string();
    a.p_bound = o.required("p_bound").number_or_null();
    o.required("bound_reached").boolean(); // derived from p_bound and max_p when written
    o.finish();
    return a;
}

CellAccuracy read_cell_accuracy(const JsonAt& at) {
    JsonObject o(at);
    CellAccuracy a;
    a.max_ulp = o.required("max_ulp").uint64();
    a.max_abs = o.required("max_abs").number_or_text();
    a.max_rel = o.required("max_rel").number_or_text();
    a.elements = o.required("elements").count();
    a.inexact_elements = o.required("inexact_elements").count();
    a.nan_mismatches = o.required("nan_mismatches").count();
    a.drift_to_error = o.required("drift_to_error").number_or_null();
    o.finish();
    return a;
}

} // namespace

Cell read_cell(const JsonAt& at) {
    JsonObject o(at);
    Cell c;
    c.backend = o.required("backend").string();
    c.variant = o.required("variant").string();
    c.settings = o.required("settings").object();
    c.status = read_status(o.required("status"));
    if (c.status != CellStatus::ok) c.reason = o.required("reason").string();
    if (o.has("error_detail")) c.error_detail = o.optional("error_detail").string();
    c.runs = o.required("runs").count();
    c.distinct_outputs = o.required("distinct_outputs").count();
    c.digests = o.required("digests").strings();
    c.run_to_run = read_run_to_run(o.required("run_to_run"));
    c.p_diff_95 = o.required("p_diff_95").number_or_null();
    read_cell_output(o, c);
    if (o.has("auto_runs")) c.auto_runs = read_auto_runs(o.optional("auto_runs"));
    if (o.has("accuracy")) c.accuracy = read_cell_accuracy(o.optional("accuracy"));
    o.finish();
    return c;
}

CellComparison read_comparison(const JsonAt& at) {
    JsonObject o(at);
    CellComparison c;
    c.axis = o.required("axis").string();
    c.backend = o.required("backend").string();
    c.variant = o.required("variant").string();
    c.reference = o.required("reference").string();
    c.other = o.required("other").string();
    c.changed_axes = o.required("changed_axes").strings();
    c.diff = read_diff(o.required("diff"));
    c.verdict = read_verdict(o);
    if (o.has("first_divergence")) c.first_divergence = o.optional("first_divergence").value;
    o.finish();
    return c;
}

} // namespace detaudit
