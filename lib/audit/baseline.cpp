#include "baseline.hpp"
#include <algorithm>
#include <map>
#include "baseline_dumps.hpp"
#include "common/error.hpp"
#include "expectations.hpp"
#include "report/json_reporter.hpp"

namespace detaudit {
namespace {

using Json = nlohmann::json;

// The scenario's "baseline" expectation for this entry; unstated, "identical" (strict's default).
Expectation baseline_expectation(const Scenario& scenario, const OperationReport& op) {
    for (const auto& spec : scenario.operations)
        if (spec.id == op.id) return effective_expectation(spec, k_axis_baseline, true, op.output);
    Expectation identical;
    identical.kind = Expectation::Kind::identical;
    return identical;
}

std::string expected_text(const Expectation& e) {
    const Json j = e.to_json();
    return j.is_string() ? j.get<std::string>() : "within " + j.dump();
}

bool is_tolerance(const Expectation& e) { return e.kind == Expectation::Kind::tolerance; }

// A matched cell whose digest differs from the baseline's, as the expectation's detail shows it.
struct DifferingCell {
    std::string label; // "cpu/base"
    std::string text;  // the digests, or the measured statistics and the judge's reason
    bool violates = false;
};

// Judges one differing cell by `e`: identical fails on the digest alone (the statistics, when
// measured, say by how much); a tolerance on the measured values, and fails unmeasured. Its
// record for report.scenario.baseline goes to `record`.
DifferingCell judge_differing(const OperationReport& op, const Cell& c, const std::string& saved_digest,
                              const Expectation& e, const BaselineMeasurement* m, Json& record) {
    DifferingCell d{c.backend + "/" + c.variant, "digest " + c.digests.front() + " vs baseline " + saved_digest, false};
    const bool gates = e.kind == Expectation::Kind::identical || is_tolerance(e);
    const bool measured = m && m->diff;
    std::string reason = "digest differs";
    if (measured) {
        const ToleranceJudgement j = judge_tolerance(tolerance_of(e), *m->diff);
        d.text += ", " + describe_diff(*m->diff);
        if (is_tolerance(e)) {
            reason = j.reason;
            d.text += "; " + reason;
        }
        d.violates = gates && (!is_tolerance(e) || !j.passed());
    } else {
        if (is_tolerance(e)) reason = "not measured: " + (m ? m->unmeasured : std::string("no --baseline-dumps"));
        if (m) d.text += "; not measured: " + m->unmeasured;
        d.violates = gates;
    }
    record = Json{{"operation", display_name(op)},
                  {"backend", c.backend},
                  {"variant", c.variant},
                  {"digest", c.digests.front()},
                  {"baseline_digest", saved_digest},
                  {"dump", m ? Json(m->dump) : Json(nullptr)},
                  {"diff", measured ? Json::parse(diff_to_json(*m->diff).dump()) : Json(nullptr)},
                  {"held", gates ? Json(!d.violates) : Json(nullptr)},
                  {"reason", reason}};
    return d;
}

struct BaselineTables {
    std::map<std::string, const Cell*> saved;
    const BaselineDumps* dumps = nullptr;
    std::vector<std::string> missing;
    Json differing = Json::array(); // one record per differing cell
};

ExpectationResult judge_backend(const OperationReport& op, const std::string& backend, const Expectation& e,
                                BaselineTables& t) {
    std::size_t matched = 0;
    std::vector<DifferingCell> differing, violating;
    for (const auto& c : op.cells) {
        if (c.backend != backend || c.status != CellStatus::ok || c.digests.empty()) continue;
        const std::string key = baseline_cell_key(display_name(op), c.backend, c.variant);
        const auto it = t.saved.find(key);
        if (it == t.saved.end() || it->second->status != CellStatus::ok || it->second->digests.empty()) {
            t.missing.push_back(key);
            continue;
        }
        ++matched;
        if (it->second->digests.front() == c.digests.front()) continue;
        const BaselineMeasurement* m = nullptr;
        if (t.dumps)
            if (const auto found = t.dumps->measurements().find(key); found != t.dumps->measurements().end())
                m = &found->second;
        Json record;
        differing.push_back(judge_differing(op, c, it->second->digests.front(), e, m, record));
        if (differing.back().violates) violating.push_back(differing.back());
        t.differing.push_back(std::move(record));
    }
    ExpectationResult r;
    r.axis = k_axis_baseline;
    r.backend = backend;
    r.expected = e.to_json();
    const std::string head = std::string(k_axis_baseline) + " on " + backend + ": expected " + expected_text(e) + ": ";
    if (matched == 0) {
        r.evaluated = false;
        r.detail = head + "not evaluated, no cell that ran has a counterpart in the baseline";
        return r;
    }
    if (e.kind == Expectation::Kind::differs) r.held = !differing.empty();
    else r.held = violating.empty(); // any: nothing violates
    const std::string counts = std::to_string(differing.size()) + " of " + std::to_string(matched) + " cells differ";
    const std::vector<DifferingCell>& shown = violating.empty() ? differing : violating;
    const std::string first = shown.empty() ? "" : " (" + shown.front().label + ": " + shown.front().text + ")";
    r.detail = head + (r.held ? "held, " : "") + counts + first;
    return r;
}

} // namespace

std::string baseline_cell_key(const std::string& entry, const std::string& backend, const std::string& variant) {
    return entry + " " + backend + "/" + variant;
}

bool states_baseline_tolerance(const OpSpec& op, const std::string& output) {
    return is_tolerance(effective_expectation(op, k_axis_baseline, true, output));
}

void check_baseline_scenario(const AuditReport& baseline, const std::string& name, const std::string& digest) {
    const std::string theirs = baseline.scenario.value("scenario_digest", "");
    if (theirs.empty())
        throw Error(ErrorKind::usage, "--baseline: " + name + " has no scenario.scenario_digest (written by an older detaudit)");
    if (theirs != digest)
        throw Error(ErrorKind::usage, "--baseline: " + name + " is a report of another scenario (scenario_digest " +
                                          theirs + ", this scenario's " + digest + ")");
}

void check_baseline_tolerances(const Scenario& scenario, bool have_dumps) {
    if (have_dumps) return;
    for (const auto& op : scenario.operations) {
        bool tolerance = false;
        if (const auto it = op.expect.find(k_axis_baseline); it != op.expect.end()) tolerance = is_tolerance(it->second);
        for (const auto& [pattern, expect] : op.output_expect)
            if (const auto it = expect.find(k_axis_baseline); it != expect.end()) tolerance = tolerance || is_tolerance(it->second);
        if (tolerance)
            throw Error(ErrorKind::usage, "--baseline: operation \"" + op.id + "\" (" + op.pointer +
                                              ") expects a baseline tolerance, which needs --baseline-dumps DIR (the "
                                              "baseline run's --dump-dir): a saved report holds digests, not values");
    }
}

std::vector<std::string> apply_baseline(AuditReport& report, const AuditReport& baseline, const std::string& name,
                                        const Scenario& scenario, const BaselineDumps* dumps) {
    BaselineTables tables;
    tables.dumps = dumps;
    for (const auto& op : baseline.operations)
        for (const auto& c : op.cells) tables.saved[baseline_cell_key(display_name(op), c.backend, c.variant)] = &c;
    for (auto& op : report.operations) {
        const Expectation e = baseline_expectation(scenario, op);
        std::vector<std::string> backends;
        for (const auto& c : op.cells)
            if (std::find(backends.begin(), backends.end(), c.backend) == backends.end()) backends.push_back(c.backend);
        for (const auto& backend : backends) op.expectations.push_back(judge_backend(op, backend, e, tables));
    }
    report.scenario["baseline"] = Json{{"report", name},
                                       {"dumps", dumps ? Json(dumps->dir()) : Json(nullptr)},
                                       {"differing_cells", std::move(tables.differing)},
                                       {"missing_cells", tables.missing}};
    report.summary = summarize(report, report.summary.exit_code == exit_code::k_required_backend_unavailable);
    return tables.missing;
}

} // namespace detaudit
