#include "findings_sections.hpp"
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

namespace detaudit {
namespace {

std::string seconds_text(double s) {
    char text[32];
    if (s < 1e-3) std::snprintf(text, sizeof text, "%.3g µs", s * 1e6);
    else if (s < 1) std::snprintf(text, sizeof text, "%.3g ms", s * 1e3);
    else std::snprintf(text, sizeof text, "%.3g s", s);
    return text;
}

// Ops are one family when they differ only in algorithm and input distributions.
std::string family_of(const OperationReport& op) {
    nlohmann::json p = op.parameters;
    for (const char* key : {"input", "index", "exponent", "seed"}) p.erase(key);
    std::string text = op.kind;
    for (auto& [key, value] : p.items()) text += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return text;
}

} // namespace

std::string render_what_changes(const AuditReport& report) {
    std::vector<std::string> run_to_run;
    std::map<std::string, std::vector<std::string>> changing, stable;
    std::vector<std::string> interactions;
    for (const auto& op : report.operations) {
        for (const auto& a : op.attribution) {
            const std::string who = display_name(op) + " on " + a.backend;
            if (a.run_to_run_nondeterministic) run_to_run.push_back(who);
            for (const auto& effect : a.axes) {
                if (!effect.changes_results) {
                    stable[effect.axis].push_back(who);
                    continue;
                }
                changing[effect.axis].push_back(who + " (" + describe_differing_changes(effect) + ")");
            }
            for (const auto& i : a.interactions) interactions.push_back(who + " (" + i + ")");
        }
    }
    if (run_to_run.empty() && changing.empty() && stable.empty() && interactions.empty()) return "";
    std::string out = "What changes results\n";
    auto list = [](const std::vector<std::string>& items) {
        std::string text;
        for (const auto& i : items) text += (text.empty() ? "" : ", ") + i;
        return text;
    };
    if (!run_to_run.empty()) out += "  run to run, no setting changed: " + list(run_to_run) + "\n";
    std::map<std::string, bool> axes;
    for (auto& [axis, ops] : changing) axes[axis] = true;
    for (auto& [axis, ops] : stable) axes[axis] = true;
    for (auto& [axis, present] : axes) {
        if (changing.count(axis)) out += "  " + axis + ": " + list(changing[axis]) + "\n";
        else out += "  " + axis + ": changes nothing\n";
    }
    if (!interactions.empty()) out += "  only axes changed together: " + list(interactions) + "\n";
    return out;
}

std::string render_cost_of_determinism(const AuditReport& report) {
    struct Timing {
        std::string algorithm, design;
        double median_s;
        std::string drift, accuracy; // run-to-run max ULP; max ULP against the exact reference
    };
    const auto drift_of = [](const Cell& c) -> std::string {
        if (c.run_to_run.compared_runs == 0) return "";
        return c.run_to_run.differing_runs == 0 ? "no drift" : "drift " + std::to_string(c.run_to_run.diff.max_ulp) + " ULP";
    };
    std::map<std::string, std::vector<Timing>> families; // family + backend -> timings
    for (const auto& op : report.operations)
        for (const auto& c : op.cells)
            if (c.variant == "base" && c.status == CellStatus::ok && op.kind != "exec") { // a program is not an algorithm
                const auto design = op.design_class.find(c.backend);
                families[family_of(op) + " on " + c.backend].push_back(
                    {op.algorithm, design == op.design_class.end() ? "" : design->second, c.time.median_s, drift_of(c),
                     c.accuracy ? "error " + std::to_string(c.accuracy->max_ulp) + " ULP" : ""});
            }
    std::string out;
    for (auto& [family, timings] : families) {
        std::set<std::string> algorithms;
        for (const auto& t : timings) algorithms.insert(t.algorithm);
        if (algorithms.size() < 2) continue;
        std::sort(timings.begin(), timings.end(), [](const Timing& a, const Timing& b) { return a.median_s < b.median_s; });
        const double fastest = timings.front().median_s > 0 ? timings.front().median_s : 1e-12;
        out += "  " + family + ":";
        for (const auto& t : timings) {
            char ratio[32];
            std::snprintf(ratio, sizeof ratio, "%.2f×", t.median_s / fastest);
            out += " " + t.algorithm + " " + ratio + " (" + seconds_text(t.median_s) + (t.design.empty() ? "" : ", " + t.design) +
                   (t.drift.empty() ? "" : ", " + t.drift) + (t.accuracy.empty() ? "" : ", " + t.accuracy) + ")";
        }
        out += "\n";
    }
    if (out.empty()) return "";
    return "Cost of determinism (median time of the base variant relative to the fastest algorithm; its run-to-run drift "
           "and, with \"accuracy\", its error against the exact reference)\n" + out;
}

} // namespace detaudit
