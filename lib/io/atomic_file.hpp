// Reports are written atomically (temp file in the same directory + rename), so a reader never
// sees half a report, and paths are checked for writability before any work starts.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace detaudit {

// Throws detaudit::Error (runtime) naming the path and the system's reason.
void write_file_atomically(const std::string& path, std::string_view content);
// The concatenation of `parts`, without building it in memory.
void write_file_atomically(const std::string& path, const std::vector<std::string_view>& parts);
// What `produce` hands its writer, a piece at a time: for content too large to hold in memory.
using PieceWriter = std::function<void(std::string_view)>;
void write_file_atomically(const std::string& path, const std::function<void(const PieceWriter&)>& produce);
// Throws detaudit::Error (usage) naming `flag` when `path` cannot be created/replaced.
void check_file_writable(const std::string& path, const std::string& flag);
// Creates `dir` (and parents) and checks a file can be created in it.
void prepare_writable_dir(const std::string& dir, const std::string& flag);

} // namespace detaudit
