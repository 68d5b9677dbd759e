#include "baseline.hpp"
#include <algorithm>
#include <map>
#include "common/error.hpp"
#include "expectations.hpp"

namespace detaudit {
namespace {

std::string cell_key(const OperationReport& op, const Cell& c) {
    return display_name(op) + " " + c.backend + "/" + c.variant;
}

// The scenario's "baseline" expectation for this entry; unstated, "identical" (strict's default).
Expectation baseline_expectation(const Scenario& scenario, const OperationReport& op) {
    for (const auto& spec : scenario.operations)
        if (spec.id == op.id) return effective_expectation(spec, k_axis_baseline, true, op.output);
    Expectation identical;
    identical.kind = Expectation::Kind::identical;
    return identical;
}

std::string expected_text(const Expectation& e) {
    const nlohmann::json j = e.to_json();
    return j.is_string() ? j.get<std::string>() : "within " + j.dump();
}

ExpectationResult judge_backend(const OperationReport& op, const std::string& backend, const Expectation& e,
                                const std::map<std::string, const Cell*>& saved, std::vector<std::string>& missing) {
    std::size_t matched = 0;
    std::vector<std::string> differing;
    for (const auto& c : op.cells) {
        if (c.backend != backend || c.status != CellStatus::ok || c.digests.empty()) continue;
        const auto it = saved.find(cell_key(op, c));
        if (it == saved.end() || it->second->status != CellStatus::ok || it->second->digests.empty()) {
            missing.push_back(cell_key(op, c));
            continue;
        }
        ++matched;
        if (it->second->digests.front() != c.digests.front())
            differing.push_back(c.backend + "/" + c.variant + ": digest " + c.digests.front() + " vs baseline " +
                                it->second->digests.front());
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
    const std::string counts = std::to_string(differing.size()) + " of " + std::to_string(matched) + " cells differ";
    const std::string first = differing.empty() ? "" : " (" + differing.front() + ")";
    if (e.kind == Expectation::Kind::differs) r.held = !differing.empty();
    else if (e.kind == Expectation::Kind::any) r.held = true;
    else r.held = differing.empty(); // a tolerance: a report holds digests, not values to measure
    r.detail = head + (r.held ? "held, " : "") + counts + first;
    if (e.kind == Expectation::Kind::tolerance && !r.held)
        r.detail += "; the baseline holds digests only, so a tolerance is judged as identical";
    return r;
}

} // namespace

void check_baseline_scenario(const AuditReport& baseline, const std::string& name, const std::string& digest) {
    const std::string theirs = baseline.scenario.value("scenario_digest", "");
    if (theirs.empty())
        throw Error(ErrorKind::usage, "--baseline: " + name + " has no scenario.scenario_digest (written by an older detaudit)");
    if (theirs != digest)
        throw Error(ErrorKind::usage, "--baseline: " + name + " is a report of another scenario (scenario_digest " +
                                          theirs + ", this scenario's " + digest + ")");
}

std::vector<std::string> apply_baseline(AuditReport& report, const AuditReport& baseline, const Scenario& scenario) {
    std::map<std::string, const Cell*> saved;
    for (const auto& op : baseline.operations)
        for (const auto& c : op.cells) saved[cell_key(op, c)] = &c;
    std::vector<std::string> missing;
    for (auto& op : report.operations) {
        const Expectation e = baseline_expectation(scenario, op);
        std::vector<std::string> backends;
        for (const auto& c : op.cells)
            if (std::find(backends.begin(), backends.end(), c.backend) == backends.end()) backends.push_back(c.backend);
        for (const auto& backend : backends) op.expectations.push_back(judge_backend(op, backend, e, saved, missing));
    }
    report.summary = summarize(report, report.summary.exit_code == exit_code::k_required_backend_unavailable);
    return missing;
}

} // namespace detaudit
