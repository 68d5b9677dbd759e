// `detaudit diff`: reports of one scenario from different machines or versions, cell by cell.
// Plain data, filled by lib/audit/report_diff and rendered by report/diff_reporter.
#pragma once
#include <optional>
#include <string>
#include <vector>
#include "compare/diff_stats.hpp"

namespace detaudit {

// One cell matched by (operation, output, backend, variant) in the reference report and another.
struct CellDiff {
    std::string operation; // display name: id, or id:output for an exec output
    std::string backend, variant;
    std::string status_a, status_b;         // ok | skipped | error
    std::string digest_a, digest_b;         // run 1's output digest ("" when the cell did not run)
    bool same = false;                      // both ran and run 1's digests are equal
    bool expected_identical = false;        // the cell's expectation (see docs/fleet.md) is "identical"
    std::optional<DiffStats> dumps;         // --dumps: both reference outputs were dumped
};

// One field of the environment fingerprints that differs ("blas.config", "cuda.gpu.sm_count").
struct EnvChange {
    std::string field, a, b; // "unset" where a side lacks the field
    bool explains = false;   // a field known to change numeric results (BLAS, cores, OMP_*, GPU, ...)
};

// The reference report (the first given) against one other.
struct ReportPairDiff {
    std::string a, b; // file names
    std::vector<CellDiff> cells;             // matched cells, in the reference's order
    std::vector<std::string> only_in_a, only_in_b; // "op backend/variant"
    std::vector<EnvChange> environment;
    std::size_t matched = 0, same = 0, differing = 0, failed = 0; // failed: expected identical, differs
};

struct ReportDiff {
    std::string scenario_name, scenario_digest;
    std::vector<ReportPairDiff> pairs;
    int exit_code = 0; // 0: every cell expected identical matched; 1 otherwise
};

} // namespace detaudit
