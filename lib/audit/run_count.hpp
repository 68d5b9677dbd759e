// How many runs a cell needs (`runs: "auto"`, docs/scenario-format.md): a cell whose N - 1 runs
// after the first all equal it bounds the per-run probability of a difference below p at
// confidence c once (1 - p)^(N - 1) <= 1 - c; a cell whose expectation a run has decided needs no
// more. Pure functions and one small policy, so the runner only asks "another run?".
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <nlohmann/json.hpp>

namespace detaudit {

// The runs of N = ceil(ln(1 - c) / ln(1 - p)) + 1: run 1 is the reference, the others the trials.
// Requires 0 < c < 1 and 0 < p < 1; saturates at UINT64_MAX.
uint64_t runs_for_bound(double confidence, double max_p);

// The bound on the per-run probability of a difference after `runs` runs none of which differed
// from run 1, at `confidence`: 1 - (1 - c)^(1 / (runs - 1)); 1 below two runs.
double difference_bound(std::size_t runs, double confidence);

// Without --max-runs, a bound that needs more runs than this is refused (exit 2).
inline constexpr uint64_t k_max_auto_runs = 1000000;

struct AutoRuns {
    double confidence = 0.99;
    double max_p = 0.01;
    std::optional<uint64_t> max_runs; // --max-runs: the most runs one cell makes
};

// Throws detaudit::Error (usage) naming the flag: confidence or max_p outside (0, 1), a cap
// outside 2 to 10^6.
void check_auto_settings(const AutoRuns& a);
// The same, and no cap when the bound needs more than k_max_auto_runs runs: for audits with
// automatic cells.
void check_auto_runs(const AutoRuns& a);
// The runs an auto cell makes at most: N, or the cap when it is smaller.
uint64_t auto_runs_worst_case(const AutoRuns& a);

// A run count as the report gives it: the number, or "auto" (k_runs_auto).
nlohmann::json runs_json(int runs);
// The report's scenario.auto_runs: the settings in force and the worst case they give.
nlohmann::json auto_runs_json(const AutoRuns& a);


} // namespace detaudit
