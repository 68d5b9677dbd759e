// Reading a whole input file that must be a regular file of bounded size: a FIFO would block the
// read forever and a device (/dev/zero) never ends, so both are refused before a byte is read.
#pragma once
#include <cstddef>
#include <string>

namespace detaudit {

// The bytes of the regular file at `path`. Throws detaudit::Error (scenario, exit 2) starting with
// "path: cannot read the `what`: " for a missing or unreadable file, a directory, a FIFO, a
// device or a socket, and for a file larger than `max_bytes`.
std::string read_regular_file(const std::string& path, std::size_t max_bytes, const std::string& what);

// Throws the same errors when `path` exists but is neither a regular file nor (when
// `directory_ok`) a directory; does nothing when it does not exist (the reader says so).
void check_regular_input(const std::string& path, const std::string& what, bool directory_ok);

// "a FIFO", "a character device", ... for an st_mode that is not a regular file.
std::string file_type_name(unsigned mode);

} // namespace detaudit
