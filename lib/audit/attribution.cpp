#include "attribution.hpp"
#include "scenario/axes.hpp"
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace detaudit {
namespace {

constexpr double k_more_often_level = 0.05;

const Cell* find_cell(const OperationReport& op, const std::string& backend, const std::string& variant) {
    for (const auto& c : op.cells)
        if (c.backend == backend && c.variant == variant && c.status == CellStatus::ok) return &c;
    return nullptr;
}

// A nondeterministic output differs between any two cells by chance. When some run of the
// variant reproduced some run of the base bit for bit, the setting did not determine the
// difference: it is run-to-run noise, not the axis. Nor can anything be told when neither cell
// ever repeated an output (a timestamp in a file): every comparison differs either way.
bool within_run_to_run_noise(const Cell* base, const Cell* variant) {
    if (!base || !variant) return false;
    if (base->run_to_run.differing_runs == 0 && variant->run_to_run.differing_runs == 0) return false;
    const std::set<std::string> seen(base->digests.begin(), base->digests.end());
    for (const auto& d : variant->digests)
        if (seen.count(d)) return true;
    const auto never_repeats = [](const Cell* c) { return c->runs >= 2 && c->distinct_outputs == c->runs; };
    return never_repeats(base) && never_repeats(variant);
}

// The share of runs that differed from run 1 in the base's cell and the variant's: a setting
// such as host.load may leave run 1 alone and still make the runs after it differ more often.
void compare_run_to_run(const Cell* base, const Cell* variant, AxisEffect::Change& change) {
    if (!base || !variant) return;
    change.base_differing_runs = base->run_to_run.differing_runs;
    change.base_compared_runs = base->run_to_run.compared_runs;
    change.differing_runs = variant->run_to_run.differing_runs;
    change.compared_runs = variant->run_to_run.compared_runs;
    // Significant, not merely larger: 6/7 against 5/7 is chance.
    change.more_run_to_run = change.base_compared_runs > 0 && change.compared_runs > 0 &&
                             more_often_p_value(change.differing_runs, change.compared_runs, change.base_differing_runs,
                                                change.base_compared_runs) < k_more_often_level;
}

double log_choose(std::size_t n, std::size_t k) {
    return std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) - std::lgamma(double(n - k) + 1);
}

} // namespace

double more_often_p_value(std::size_t differing, std::size_t compared, std::size_t base_differing,
                          std::size_t base_compared) {
    // Hypergeometric: of all runs (both cells), `all_differing` differed; the variant's cell
    // drew `compared` of them.
    const std::size_t all = compared + base_compared, all_differing = differing + base_differing;
    const double total = log_choose(all, compared);
    double p = 0;
    for (std::size_t x = differing; x <= std::min(all_differing, compared); ++x)
        if (compared - x <= all - all_differing)
            p += std::exp(log_choose(all_differing, x) + log_choose(all - all_differing, compared - x) - total);
    return std::min(p, 1.0);
}

void attribute(OperationReport& op, const std::vector<Variant>& variants) {
    std::map<std::string, const Variant*> by_name;
    for (const auto& v : variants) by_name[v.name] = &v;
    const Variant& base = variants.front();

    std::set<std::string> backends;
    for (const auto& c : op.cells) backends.insert(c.backend);
    for (const auto& backend : backends) {
        Attribution a;
        a.backend = backend;
        for (const auto& c : op.cells)
            if (c.backend == backend && c.status == CellStatus::ok && c.run_to_run.differing_runs > 0)
                a.run_to_run_nondeterministic = true;
        std::map<std::string, AxisEffect> axes;
        std::map<std::string, bool> single_axis_identical; // "axis=value" -> identical
        for (const auto& cmp : op.across_variants) {
            if (cmp.backend != backend || !by_name.count(cmp.variant)) continue;
            const Variant& v = *by_name.at(cmp.variant);
            if (cmp.changed_axes.size() != 1) continue;
            const std::string& axis = cmp.changed_axes.front();
            AxisEffect& effect = axes[axis];
            effect.axis = axis;
            AxisEffect::Change change{axis_value_text(base.settings[axis]), axis_value_text(v.settings[axis]), cmp.diff.identical,
                                      cmp.diff.max_ulp,
                                      cmp.diff.elements ? double(cmp.diff.differing_elements) / double(cmp.diff.elements) : 0};
            if (cmp.diff.shape_mismatch) change.differing_fraction = 1;
            change.raw_bytes = cmp.diff.raw_bytes;
            const Cell* base_cell = find_cell(op, backend, base.name);
            const Cell* variant_cell = find_cell(op, backend, cmp.variant);
            change.within_noise = !cmp.diff.identical && within_run_to_run_noise(base_cell, variant_cell);
            compare_run_to_run(base_cell, variant_cell, change);
            effect.more_run_to_run = effect.more_run_to_run || change.more_run_to_run;
            effect.changes_results = effect.changes_results || (!cmp.diff.identical && !change.within_noise);
            effect.changes.push_back(change);
            single_axis_identical[axis + "=" + change.to] = cmp.diff.identical;
        }
        // An interaction: a variant changing several axes differs although every one of its
        // single-axis changes alone gave identical results.
        for (const auto& cmp : op.across_variants) {
            if (cmp.backend != backend || cmp.changed_axes.size() < 2 || cmp.diff.identical) continue;
            const Variant& v = *by_name.at(cmp.variant);
            bool explained = false;
            for (const auto& axis : cmp.changed_axes) {
                auto it = single_axis_identical.find(axis + "=" + axis_value_text(v.settings[axis]));
                explained = explained || (it != single_axis_identical.end() && !it->second);
            }
            if (!explained) a.interactions.push_back(cmp.variant);
        }
        std::string changes, stable, more_often;
        for (auto& [name, effect] : axes) {
            if (effect.more_run_to_run)
                more_often += (more_often.empty() ? "" : ", ") + name + " (" + describe_run_to_run_changes(effect) + ")";
            if (effect.changes_results) {
                changes += (changes.empty() ? "" : ", ") + name + " (" + describe_differing_changes(effect) + ")";
            } else {
                stable += (stable.empty() ? "" : ", ") + name;
            }
            a.axes.push_back(effect);
        }
        std::string summary;
        if (a.run_to_run_nondeterministic) summary = "changes from run to run with no setting changed";
        if (!changes.empty()) summary += (summary.empty() ? "" : "; ") + std::string("changes with ") + changes;
        if (!a.interactions.empty()) {
            std::string list;
            for (const auto& i : a.interactions) list += (list.empty() ? "" : ", ") + i;
            summary += (summary.empty() ? "" : "; ") + std::string("changes only when axes change together: ") + list;
        }
        if (!more_often.empty()) summary += (summary.empty() ? "" : "; ") + std::string("runs differ more often with ") + more_often;
        if (!stable.empty()) summary += (summary.empty() ? "" : "; ") + std::string("not with ") + stable;
        if (summary.empty()) summary = "no variation axis applies"; // every axis present is listed above
        a.summary = summary;
        op.attribution.push_back(std::move(a));
    }
}

} // namespace detaudit
