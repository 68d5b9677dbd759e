// Collects an exec run's outputs from its {out} directory: each declared name or glob matched
// against the files there, .npy read as arrays, .npz member by member, anything else as bytes.
#pragma once
#include <string>
#include <vector>
#include "io/npy_reader.hpp"
#include "io/spooled_array.hpp"

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

struct NamedSpool {
    std::string name;
    SpooledArray array;
};

struct CollectedOutputs {
    std::vector<NamedBuffer> files;     // "weights.npy", "sub/x.bin", "state.npz:w1"
    std::vector<NamedSpool> spooled;    // the same, with a spool directory
    std::vector<std::string> missing;   // patterns that matched no file
    std::vector<OutputFailure> failed;  // files that matched but cannot be used: each fails alone
};

// Reads beneath `out_fd`, {out} held open since before the program ran: a file that cannot be
// read, is malformed, is not a regular file, or has a symbolic link anywhere on its path (no link
// is followed, so nothing outside {out} is read) is in `failed`, the others are read.
// With `spool_dir`, every output goes to a spool file there instead of memory (`spooled`, in the
// same order): .npy files and other files are streamed, so memory does not grow with them; .npz
// members and Fortran-order arrays are read whole (one array at a time) and then spooled.
CollectedOutputs collect_outputs(int out_fd, const std::vector<std::string>& patterns,
                                 const std::string& spool_dir = "");
// The same, opening `out_dir` (not through a link) first.
CollectedOutputs collect_outputs(const std::string& out_dir, const std::vector<std::string>& patterns,
                                 const std::string& spool_dir = "");

} // namespace detaudit
