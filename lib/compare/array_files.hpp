// `detaudit compare`: two .npy/.npz files, or two directories of them matched by relative path,
// every pair of arrays compared (DESIGN.md §5) and judged against a tolerance. Plain data out;
// report/compare_reporter renders it.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "compare/diff_stats.hpp"
#include "compare/tolerance_judge.hpp"

namespace detaudit {

// compare's names for the one judge's types (compare/tolerance_judge).
using ArrayTolerance = Tolerance;
using ArrayVerdict = ToleranceVerdict;

struct ArrayComparison {
    std::string name;             // "x.npy", "sub/run.npz:member", "a.npy vs b.npy"
    DType dtype = DType::f32, other_dtype = DType::f32;
    std::vector<std::size_t> shape, other_shape;
    DiffStats diff;               // reference = A
    ArrayVerdict verdict = ArrayVerdict::identical; // judge_tolerance's, rendered as is
    std::string reason;                             // and its reason
};

struct ArrayFilesComparison {
    std::string a, b;
    ArrayTolerance tolerance;
    std::vector<ArrayComparison> arrays;
    std::vector<std::string> only_in_a, only_in_b; // files (or archive members) on one side only

    std::size_t count(ArrayVerdict v) const;
    bool passed() const; // no array differs and nothing is on one side only
};

// Two .npy files: one comparison. Two .npz archives: their members by name. Two directories: the
// .npy and .npz files under them (recursively) by relative path, archives member by member.
// Throws detaudit::Error: scenario (exit 2) for missing, unreadable or malformed files; usage
// (exit 2) for a directory against a file or an .npz against a .npy.
ArrayFilesComparison compare_array_files(const std::string& a, const std::string& b, const ArrayTolerance& t);

} // namespace detaudit
