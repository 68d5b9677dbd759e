#include "findings_sections.hpp"
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

namespace detaudit {
namespace {

// Ops are one family when they differ only in algorithm and input distributions.
std::string family_of(const OperationReport& op) {
    nlohmann::json p = op.parameters;
    for (const char* key : {"input", "index", "exponent", "seed"})
        p.erase(key);
    std::string text = op.kind;
    for (auto& [key, value] : p.items())
        text += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return text;
}

std::string list(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& i : items)
        text += (text.empty() ? "" : ", ") + i;
    return text;
}

} // namespace

std::string seconds_text(double s) {
    char text[32];
    if (s < 1e-3)
        std::snprintf(text, sizeof text, "%.3g µs", s * 1e6);
    else if (s < 1)
        std::snprintf(text, sizeof text, "%.3g ms", s * 1e3);
    else
        std::snprintf(text, sizeof text, "%.3g s", s);
    return text;
}

WhatChanges what_changes(const AuditReport& report) {
    WhatChanges out;
    std::map<std::string, std::vector<std::string>> axes; // axis -> changing ops (may stay empty)
    for (const auto& op : report.operations) {
        for (const auto& a : op.attribution) {
            const std::string who = display_name(op) + " on " + a.backend;
            if (a.run_to_run_nondeterministic) out.run_to_run.push_back(who);
            for (const auto& effect : a.axes) {
                if (effect.more_run_to_run)
                    out.more_often[effect.axis].push_back(who + " (" + describe_run_to_run_changes(effect) + ")");
                auto& changing = axes[effect.axis];
                if (effect.changes_results)
                    changing.push_back(who + " (" + describe_differing_changes(effect) + ")");
            }
            for (const auto& i : a.interactions)
                out.interactions.push_back(who + " (" + i + ")");
        }
    }
    for (auto& [axis, changing] : axes)
        out.axes.push_back({axis, std::move(changing)});
    return out;
}

std::string render_what_changes(const AuditReport& report) {
    const WhatChanges found = what_changes(report);
    if (found.empty()) return "";
    std::string out = "What changes results\n";
    if (!found.run_to_run.empty())
        out += "  run to run, no setting changed: " + list(found.run_to_run) + "\n";
    for (const auto& a : found.axes)
        out += "  " + a.axis + ": " + (a.changing.empty() ? "changes nothing" : list(a.changing)) +
               "\n";
    if (!found.interactions.empty())
        out += "  only axes changed together: " + list(found.interactions) + "\n";
    for (const auto& [axis, who] : found.more_often)
        out += "  runs differ more often with " + axis + ": " + list(who) + "\n";
    return out;
}

namespace {

std::string drift_of(const Cell& c) {
    if (c.run_to_run.compared_runs == 0) return "";
    return c.run_to_run.differing_runs == 0 ? "no drift" : "drift " + std::to_string(c.run_to_run.diff.max_ulp) + " ULP";
}

} // namespace

std::vector<FamilyCost> cost_of_determinism(const AuditReport& report) {
    std::map<std::string, std::vector<AlgorithmCost>> families; // family + backend -> timings
    for (const auto& op : report.operations)
        for (const auto& c : op.cells)
            if (c.variant == "base" && c.status == CellStatus::ok &&
                op.kind != "exec") { // a program is not an algorithm
                const auto design = op.design_class.find(c.backend);
                families[family_of(op) + " on " + c.backend].push_back(
                    {op.algorithm, design == op.design_class.end() ? "" : design->second,
                     c.time.median_s, 1, drift_of(c),
                     c.accuracy ? "error " + std::to_string(c.accuracy->max_ulp) + " ULP" : ""});
            }
    std::vector<FamilyCost> out;
    for (auto& [family, timings] : families) {
        std::set<std::string> algorithms;
        for (const auto& t : timings)
            algorithms.insert(t.algorithm);
        if (algorithms.size() < 2) continue;
        std::sort(
            timings.begin(), timings.end(),
            [](const AlgorithmCost& a, const AlgorithmCost& b) { return a.median_s < b.median_s; });
        const double fastest = timings.front().median_s > 0 ? timings.front().median_s : 1e-12;
        for (auto& t : timings)
            t.relative = t.median_s / fastest;
        out.push_back({family, std::move(timings)});
    }
    return out;
}

std::string render_cost_of_determinism(const AuditReport& report) {
    std::string out;
    for (const auto& family : cost_of_determinism(report)) {
        out += "  " + family.family + ":";
        for (const auto& t : family.algorithms) {
            char ratio[32];
            std::snprintf(ratio, sizeof ratio, "%.2f×", t.relative);
            out += " " + t.algorithm + " " + ratio + " (" + seconds_text(t.median_s) +
                   (t.design_class.empty() ? "" : ", " + t.design_class) + (t.drift.empty() ? "" : ", " + t.drift) +
                   (t.accuracy.empty() ? "" : ", " + t.accuracy) + ")";
        }
        out += "\n";
    }
    if (out.empty()) return "";
    return "Cost of determinism (median time of the base variant relative to the fastest algorithm; its run-to-run drift "
           "and, with \"accuracy\", its error against the exact reference)\n" + out;
}

} // namespace detaudit
