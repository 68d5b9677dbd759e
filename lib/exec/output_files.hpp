// Collects an exec run's outputs from its {out} directory: each declared name or glob matched
// against the files there, .npy read as arrays, .npz member by member, anything else as bytes.
#pragma once
#include <string>
#include <vector>
#include "io/npy_reader.hpp"

namespace detaudit {

bool is_glob(const std::string& pattern); // holds *, ? or [
// The file an output name is in: "state.npz" for "state.npz:w1", else the name itself (which may
// hold a ':' of its own).
std::string output_file(const std::string& name);
// Does the `outputs` pattern stand for the output `name` ("state.npz:w1", "layers/a.npy")?
bool pattern_matches_output(const std::string& pattern, const std::string& name);

struct OutputFailure {
    std::string name;   // the file, relative to {out}
    std::string reason; // one line: "output x.npy: not a .npy file (bad magic)"
};

struct CollectedOutputs {
    std::vector<NamedBuffer> files;     // "weights.npy", "sub/x.bin", "state.npz:w1"
    std::vector<std::string> missing;   // patterns that matched no file
    std::vector<OutputFailure> failed;  // files that matched but cannot be used: each fails alone
};

// Reads beneath `out_fd`, {out} held open since before the program ran: a file that cannot be
// read, is malformed, is not a regular file, or has a symbolic link anywhere on its path (no link
// is followed, so nothing outside {out} is read) is in `failed`, the others are read.
CollectedOutputs collect_outputs(int out_fd, const std::vector<std::string>& patterns);
// The same, opening `out_dir` (not through a link) first.
CollectedOutputs collect_outputs(const std::string& out_dir, const std::vector<std::string>& patterns);

} // namespace detaudit
