// Collects an exec run's outputs from its {out} directory: each declared name or glob matched
// against the files there, .npy read as arrays, .npz member by member, anything else as bytes.
#pragma once
#include <string>
#include <vector>
#include "io/npy_reader.hpp"

namespace detaudit {

bool is_glob(const std::string& pattern); // holds *, ? or [

struct CollectedOutputs {
    std::vector<NamedBuffer> files;   // "weights.npy", "sub/x.bin", "state.npz:w1"
    std::vector<std::string> missing; // patterns that matched no file
};

// Throws detaudit::Error (runtime) naming the file when one cannot be read, is malformed, or
// resolves outside `out_dir` (a symbolic link pointing elsewhere).
CollectedOutputs collect_outputs(const std::string& out_dir, const std::vector<std::string>& patterns);

} // namespace detaudit
