// A reference output that `run --dump-dir` wrote (an array's .npy, or the .bytes of a file that
// is not an array) against an output held now, both read a piece at a time (piece_walker): the
// values `run --baseline-dumps` judges a tolerance on the `baseline` axis by.
#pragma once
#include "stored_output.hpp"
#include <string>

namespace detaudit {

// compare_outputs(the dumped output at `path`, `other`): a dtype or shape that differs is a
// mismatch (DiffStats::shape_mismatch), as everywhere. Throws detaudit::Error (scenario, one
// line naming `path`) when the file cannot be read or is not a valid .npy.
DiffStats compare_dumped_output(const std::string& path, const StoredOutput& other);

} // namespace detaudit
