// AuditReport: the plain-data result of an audit (DESIGN.md §6). Reporters are pure functions
// of it; the runner fills it; expectations and the exit code are computed from it.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include "common/determinism_class.hpp"
#include "compare/diff_stats.hpp"

namespace detaudit {

enum class CellStatus { ok, skipped, error };

// cpu cells: the thread count cpu.threads asked for and the team OpenMP gave (OMP_THREAD_LIMIT,
// OMP_DYNAMIC or the implementation's own limits can make it smaller).
struct ThreadCount {
    int requested = 0;
    int granted = 0;
};
std::string_view cell_status_name(CellStatus s);

struct TimingStats {
    double cold_s = 0;                    // the first run, alone (caches, page faults, JIT)
    double min_s = 0, median_s = 0, max_s = 0; // runs 2..N (run 1 when there is only one)
};

// How the expectation in force on its axis judged one comparison (set with the expectation, by
// lib/audit/expectations; reporters render it and never judge again).
struct ComparisonVerdict {
    bool judged = false; // an evaluated expectation other than "any" covers this comparison
    bool held = true;    // false: this comparison is one the expectation failed on
    std::string reason;  // the judge's: "identical", "max_ulp 5 > 0", "within tolerance (...)"
};

struct RunToRun {
    std::size_t compared_runs = 0;  // runs 2..N, each against run 1
    std::size_t differing_runs = 0;
    DiffStats diff;                 // merged over the compared runs (merge_diff)
    std::optional<std::size_t> first_differing_run; // 1-based run number
    std::optional<bool> same_multiset; // rng cells that differ: same values in another order?
    ComparisonVerdict verdict{}; // default-initialised: the runner builds these as aggregates
    nlohmann::json first_divergences = nlohmann::json::array(); // traced exec: per run whose trace differs
};

// runs "auto" (docs/scenario-format.md): why the cell stopped where it did, and the bound its
// runs reached.
struct AutoRunsOutcome {
    double confidence = 0, max_p = 0;
    std::size_t most_runs = 0;      // N, or the --max-runs cap when smaller
    std::string stopped_by;         // "decided", "bound", "cap" or "interrupted"
    // No run differed from run 1 (a tolerance: none went beyond it): the bound on the per-run
    // probability of one at `confidence`; null once one did.
    std::optional<double> p_bound;
};

// A cell's run 1 against its op's accuracy reference (docs/algorithms.md, "Accuracy").
struct CellAccuracy {
    uint64_t max_ulp = 0;
    double max_abs = 0, max_rel = 0;
    std::size_t elements = 0, inexact_elements = 0, nan_mismatches = 0;
    std::optional<double> drift_to_error; // run-to-run max ULP / max_ulp; none when max_ulp is 0
};

// How an op's accuracy reference was computed (once per op, on the host).
struct AccuracyReference {
    std::string method;   // "exact sum, rounded once", "exact dot products, rounded once", "MPFR"
    double seconds = 0;
};

struct Cell {
    std::string backend;
    std::string variant;                       // "base", "cpu.threads=8", "A=1,B=2"
    nlohmann::json settings = nlohmann::json::object(); // axis -> value, every axis of the variant
    CellStatus status = CellStatus::ok;
    std::string reason;                        // skipped/error: one line
    std::string error_detail;                  // error: more lines (an exec program's stderr tail)
    std::size_t runs = 0;                      // runs completed
    std::size_t distinct_outputs = 0;
    std::vector<std::string> digests;          // one per run, in run order
    RunToRun run_to_run;
    std::optional<double> p_diff_95;           // when all N >= 2 runs were identical
    std::optional<AutoRunsOutcome> auto_runs;  // the cell ran "auto"
    TimingStats time;
    std::vector<ValueText> reference_values;   // outputs of at most 16 elements
    std::string output_dtype;
    std::vector<std::size_t> output_shape;
    std::optional<ThreadCount> threads;        // cpu cells that ran
    std::optional<CellAccuracy> accuracy;      // "accuracy": true, and the cell ran
};

// A comparison of two cells' reference outputs (first runs).
struct CellComparison {
    std::string axis;       // "across_variants" or "cross_backend"
    std::string backend;    // across_variants: the backend; cross_backend: "cpu~cuda"
    std::string variant;    // across_variants: the variant vs base; cross_backend: the variant
    std::string reference;  // what it was compared against, e.g. "cpu/base"
    std::string other;      // e.g. "cpu/cpu.threads=8"
    std::vector<std::string> changed_axes; // across_variants: the axes this variant changes
    DiffStats diff;
    ComparisonVerdict verdict{}; // default-initialised: the runner builds these as aggregates
    nlohmann::json first_divergence = nullptr; // traced exec: null when the two run-1 traces are identical
};

struct ExpectationResult {
    std::string axis;        // run_to_run | across_variants | cross_backend
    std::string backend;
    nlohmann::json expected; // "identical" | "differs" | "any" | {"max_ulp": ...}
    bool evaluated = true;   // false: nothing to compare (skipped cells, one backend, no vary)
    bool cells_failed = false; // not evaluated because a cell failed (an error, not a skip)
    bool held = true;
    std::string detail;      // one line
};

// Which setting changes an op's output on one backend (from the across_variants comparisons).
struct AxisEffect {
    std::string axis;                // "cpu.threads"
    bool changes_results = false;
    struct Change {
        std::string from, to;        // base value -> variant value
        bool identical = true;
        uint64_t max_ulp = 0;
        double differing_fraction = 0; // differing elements / elements
        bool raw_bytes = false;        // a file that is not an array: no ULP
        bool within_noise = false;     // differs, but a run of the variant equals a run of the base
        // Runs that differed from their cell's run 1, of those compared, in the base's cell and
        // the variant's: contention (host.load) shows here more than in the first runs.
        std::size_t base_differing_runs = 0, base_compared_runs = 0;
        std::size_t differing_runs = 0, compared_runs = 0;
        bool more_run_to_run = false;  // the variant's share of differing runs is the larger
    };
    std::vector<Change> changes;     // one per variant that changes only this axis
    bool more_run_to_run = false;    // some change makes runs differ more often
};

// "2→1: up to 3 ULP, 41 % of elements; 2→8: ..." for the changes of `effect` that differ.
std::string describe_differing_changes(const AxisEffect& effect);
// "none→cpu: 1/31 → 12/31 runs differ; ..." for the changes that make runs differ more often.
std::string describe_run_to_run_changes(const AxisEffect& effect);

struct Attribution {
    std::string backend;
    bool run_to_run_nondeterministic = false; // differs with no setting changed
    std::vector<AxisEffect> axes;
    std::vector<std::string> interactions;    // product mode: "cpu.threads=1,cpu.schedule=dynamic"
    std::string summary;                      // one line
};

struct OperationReport {
    std::string id, kind, algorithm, description;
    std::string output; // exec: the output file (or "file.npz:member") this entry is about; else empty
    nlohmann::json parameters = nlohmann::json::object(); // normalised, defaults filled in
    std::map<std::string, std::string> design_class;  // backend -> design class name
    std::map<std::string, std::string> measured_class; // backend -> measured class name
    std::vector<std::string> design_contradictions;   // one line per backend where measured < design
    std::vector<Cell> cells;
    std::vector<CellComparison> across_variants;
    std::vector<CellComparison> cross_backend;
    std::string data;                                  // "data": the shared inputs' name, or empty
    std::vector<CellComparison> across_algorithms;     // vs the first op sharing `data` (base variant)
    std::optional<AccuracyReference> accuracy_reference;
    std::vector<ExpectationResult> expectations;
    std::vector<Attribution> attribution;
};

// How an operation entry is named in reports: its id, or "id:output" for an exec output.
std::string display_name(const OperationReport& op);

struct BackendStatus {
    std::string name;
    bool available = false;
    std::string reason;  // when unavailable: the driver's / runtime's own words
    std::string device;  // e.g. "AMD EPYC (2 threads)"
};

// Comparisons of one axis: run_to_run counts the ok cells with two or more runs; the others
// count their comparisons. `failed`: comparisons an expectation failed on.
struct AxisSummary {
    std::size_t compared = 0, identical = 0, differing = 0, failed = 0;
};

struct Summary {
    std::size_t operations = 0, cells = 0, cells_ok = 0, cells_skipped = 0, cells_error = 0;
    std::size_t cells_identical = 0;   // ok cells whose runs were all identical
    std::size_t cells_differing = 0;   // ok cells with run-to-run differences
    std::size_t expectations_passed = 0, expectations_failed = 0, expectations_not_evaluated = 0;
    std::size_t expectations_errored = 0; // a cell the expectation covers failed: never "passed"
    AxisSummary run_to_run, across_variants, cross_backend;
    int exit_code = 0;
};

// `run --shard K/N`: which shard this report is and the operations it holds (their index in the
// scenario, so `merge` restores the unsharded order and sees what is missing).
struct ShardInfo {
    std::size_t index = 0, count = 0; // 1-based K of N
    std::size_t scenario_operations = 0; // operations in the whole scenario
    std::vector<std::pair<std::string, std::size_t>> operations; // (op id, index in the scenario)
};

// A merged report: one entry per shard it was joined from, that machine's view of the run.
struct MergedShard {
    std::size_t index = 0;
    std::string started_at;
    double duration_s = 0;
    nlohmann::json environment = nlohmann::json::object();
};

struct AuditReport {
    int schema_version = 1;
    nlohmann::json tool = nlohmann::json::object();     // name, version, backends compiled in
    nlohmann::json scenario = nlohmann::json::object(); // name, path, digest, description, seed, runs
    std::string started_at;                             // ISO 8601 UTC
    double duration_s = 0;
    bool interrupted = false;
    nlohmann::json environment = nlohmann::json::object();
    std::vector<BackendStatus> backends;
    std::vector<OperationReport> operations; // an exec op has one entry per output file
    std::string runs_dir;                    // --keep-runs without --dump-dir: where exec runs were kept
    Summary summary;
    std::optional<ShardInfo> shard;          // run --shard: this report holds one shard
    std::vector<MergedShard> merged_from;    // detaudit merge: every shard's machine, in shard order
};

} // namespace detaudit
