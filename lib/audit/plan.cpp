#include "plan.hpp"
#include <algorithm>
#include <cstdio>
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "scenario/axes.hpp"

namespace detaudit {

CellRunCount cell_run_count(const OpSpec& op, const PlanOptions& options) {
    const int runs = options.runs.value_or(op.runs);
    if (runs != k_runs_auto) return {false, runs};
    // At most 10^6 runs without a cap (check_auto_runs), and --max-runs is at most 10^6.
    return {true, static_cast<int>(auto_runs_worst_case(options.auto_runs))};
}

Plan make_plan(const Scenario& scenario, const PlanOptions& options) {
    const bool automatic = options.runs ? *options.runs == k_runs_auto
                                        : std::any_of(scenario.operations.begin(), scenario.operations.end(),
                                                      [](const OpSpec& op) { return op.runs == k_runs_auto; });
    if (automatic) check_auto_runs(options.auto_runs);
    Plan plan;
    plan.variants = make_variants(scenario.vary, scenario.vary_product);
    for (std::size_t i = 0; i < scenario.operations.size(); ++i) {
        const OpSpec& op = scenario.operations[i];
        if (options.shard && shard_of(op.id, options.shard->count) != options.shard->index) continue;
        PlannedOp p{&op, {}, 0, 0, 0, 0, {}};
        for (const auto& b : op.backends)
            if (options.backends.empty() ||
                std::find(options.backends.begin(), options.backends.end(), b) != options.backends.end())
                p.backends.push_back(b);
        p.input_bytes = input_bytes(op.kind, op.params);
        uint64_t elements = 1;
        for (std::size_t d : output_shape(op.kind, op.params)) elements *= d;
        p.output_bytes = elements * dtype_size(output_dtype(op.kind, op.params));
        // Kept at once: inputs, the cell's reference and current output, the base reference and
        // this variant's reference per backend; rng also sorts two copies to compare multisets.
        const uint64_t outputs_held = 2 + 2 * p.backends.size();
        const uint64_t multiset_scratch = op.kind == "rng" ? 2 * elements * 8 : 0;
        p.estimated_bytes = p.input_bytes + outputs_held * p.output_bytes + multiset_scratch;
        if (op.kind == "exec") p.output_bytes = p.estimated_bytes = 0; // known only once the program has written them
        p.runs = cell_run_count(op, options);
        plan.automatic_runs = plan.automatic_runs || p.runs.automatic;
        for (std::size_t v = 0; v < plan.variants.size(); ++v)
            for (const auto& b : p.backends)
                if (variant_applies_to(plan.variants[v], b)) {
                    plan.cells.push_back({i, b, v});
                    ++p.cells;
                    plan.total_runs += static_cast<std::size_t>(p.runs.most);
                }
        plan.peak_bytes = std::max(plan.peak_bytes, p.estimated_bytes);
        plan.ops.push_back(p);
    }
    return plan;
}

std::string format_bytes(uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char text[32];
    std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return text;
}

void check_memory(const Scenario& scenario, const Plan& plan, uint64_t available_bytes) {
    if (available_bytes == 0) return; // unknown: do not guess
    for (const auto& p : plan.ops)
        if (p.estimated_bytes > available_bytes)
            throw Error(ErrorKind::scenario,
                        scenario.path + ": " + p.op->pointer + ": estimated memory " + format_bytes(p.estimated_bytes) +
                            " (inputs " + format_bytes(p.input_bytes) + ", one output " + format_bytes(p.output_bytes) +
                            ") exceeds the " + format_bytes(available_bytes) + " available");
}

} // namespace detaudit
