// Where a report (--json, --junit) may be written, decided before any work, and the write itself
// (DESIGN.md principle 5: nothing the user did not ask to change is changed).
//
// A report path is refused (exit 2) when it is empty, a directory, a socket or block device, one
// of the command's inputs, another report's path or the dump directory: the same file by device
// and inode where it exists, the same normalised path otherwise. A path that is stdout ("-",
// /dev/stdout or the file stdout is), a character device or a FIFO is written through; any other
// path replaces the regular file at the end of its symbolic links atomically (the links stay).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace detaudit {

struct NamedPath {
    std::string name; // the flag ("--json") or what the path is ("the scenario", "input A")
    std::string path;
};

// Throws detaudit::Error (usage) "FLAG PATH: why" for the first report path that breaks the rules
// above or cannot be written. `reports` holds the report flags given; `dump_dir` may be empty.
void check_report_paths(const std::vector<NamedPath>& reports, const std::vector<NamedPath>& inputs,
                        const NamedPath& dump_dir = {});

// True when a report written to `path` goes to detaudit's stdout, so the console must not.
bool report_goes_to_stdout(const std::string& path);

// Writes `content` to `report.path` as described above. EPIPE on stdout (the reader went away,
// `| head`) ends that output without an error. Throws detaudit::Error (runtime) naming the flag.
void write_report(const NamedPath& report, std::string_view content);

} // namespace detaudit
