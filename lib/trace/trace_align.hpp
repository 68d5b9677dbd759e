// Alignment of two traces (docs/trace.md): the first differing record, the root (the first
// differing record whose inputs matched), later differing records, and where the runs took
// different paths. Both traces are streamed: memory does not grow with their length.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "compare/diff_stats.hpp"

namespace detaudit::trace {

enum class InputsMatch { match, differ, not_recorded };
const char* inputs_match_name(InputsMatch m); // "match", "differ", "not_recorded"

struct DifferingRecord {
    uint64_t seq = 0;
    std::string name;
    std::string digest_a, digest_b;
    std::string dtype_a, dtype_b;
    std::vector<uint64_t> shape_a, shape_b;
    InputsMatch inputs = InputsMatch::not_recorded;
    std::string values_a, values_b;  // kept .npy files, or ""
    std::optional<DiffStats> stats;  // where both kept values (first and root only)
    std::string stats_error;         // values kept but unreadable: why
};

// The runs took different paths: record `seq` has another name, or one trace ended there.
struct PathSplit {
    uint64_t seq = 0;
    std::string name_a, name_b; // "" where that trace ended
};

struct TraceDivergence {
    std::string path_a, path_b;
    uint64_t records_a = 0, records_b = 0;
    uint64_t aligned = 0;                   // records compared pairwise (before any path split)
    std::optional<DifferingRecord> first;   // the first differing record
    std::optional<DifferingRecord> root;    // the first differing record whose inputs matched
    uint64_t differing = 0;                 // all differing records among the aligned ones
    std::optional<PathSplit> split;
    std::vector<DifferingRecord> table;     // the first k_table_rows differing records
    bool identical() const { return differing == 0 && !split; }
};

constexpr std::size_t k_table_rows = 64;

// Reads both traces to the end; throws detaudit::Error (bad input) naming the file and line.
TraceDivergence align_traces(const std::string& path_a, const std::string& path_b);

// One line: "first differs at #4127 step 7/fc2.weight.grad (inputs identical: this is where it
// starts); 318 later records differ", or "the runs took different paths at record 1204: `a` vs `b`".
std::string describe_divergence(const TraceDivergence& d);

} // namespace detaudit::trace
