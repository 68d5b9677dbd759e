// The plan of an audit: which cells run (op x backend x variant), how many runs, and how much
// memory each op needs — computed before any work, for `validate` and for refusing early.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "run_count.hpp"
#include "scenario/scenario.hpp"
#include "shard.hpp"

namespace detaudit {

struct PlannedCell {
    std::size_t op_index;
    std::string backend;
    std::size_t variant_index;
};

// How many runs a cell makes: exactly `most`, or (automatic) at most `most`, fewer as soon as
// its question is answered (run_count.hpp).
struct CellRunCount {
    bool automatic = false;
    int most = 0;
};

struct PlannedOp {
    const OpSpec* op;
    std::vector<std::string> backends;   // after --backend filtering
    uint64_t input_bytes = 0;
    uint64_t output_bytes = 0;           // one run's output
    uint64_t estimated_bytes = 0;        // peak while this op runs
    std::size_t cells = 0;
    CellRunCount runs;                   // per cell
};

struct Plan {
    std::vector<Variant> variants;
    std::vector<PlannedOp> ops;
    std::vector<PlannedCell> cells;      // in execution order
    std::size_t total_runs = 0;          // with automatic cells: at most this many
    bool automatic_runs = false;         // some op runs "auto"
    uint64_t peak_bytes = 0;
};

struct PlanOptions {
    std::optional<int> runs;             // --runs (k_runs_auto: --runs auto)
    AutoRuns auto_runs;                  // --confidence, --max-p, --max-runs: for automatic cells
    std::vector<std::string> backends;   // --backend (empty: as the scenario says)
    std::optional<Shard> shard;          // --shard: only the operations of this shard (shard.hpp)
};

// Throws detaudit::Error (usage) when an op runs "auto" and the auto settings are refused
// (check_auto_runs).
Plan make_plan(const Scenario& scenario, const PlanOptions& options);
CellRunCount cell_run_count(const OpSpec& op, const PlanOptions& options);
// Throws detaudit::Error (scenario) naming the op when its estimate exceeds `available_bytes`.
void check_memory(const Scenario& scenario, const Plan& plan, uint64_t available_bytes);
std::string format_bytes(uint64_t bytes);

} // namespace detaudit
