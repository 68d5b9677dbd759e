// Streaming reader of trace files (docs/trace.md): one record at a time, bounded memory. Every
// error is a detaudit::Error (kind scenario: bad input) naming the file and the line.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace detaudit::trace {

struct TraceRecord {
    uint64_t seq = 0;
    std::string name;
    std::string dtype;
    std::vector<uint64_t> shape;
    std::string digest;              // 32 lowercase hex digits
    std::vector<std::string> inputs; // digests; empty: not recorded
    std::string values;              // path of the kept .npy (resolved against the trace's folder), or ""
    std::size_t line = 0;            // 1-based line number in the file
};

class TraceReader {
public:
    // Opens `path` and reads the header; throws on a missing, empty or foreign file.
    explicit TraceReader(std::string path);

    const std::string& path() const { return m_path; }
    int version() const { return m_version; }
    const std::string& digest_algorithm() const { return m_digest; }

    // The next record into `out`; false at the end of the trace (after checking the footer).
    bool next(TraceRecord& out);

private:
    [[noreturn]] void fail(const std::string& what) const;
    void check_record(struct TraceLine& l, TraceRecord& out);
    char m_buffer[1 << 16];

    std::string m_path, m_folder;
    std::ifstream m_in;
    std::string m_line;
    std::size_t m_line_no = 0;
    uint64_t m_next_seq = 0;
    int m_version = 0;
    std::string m_digest = "xxh3-128";
    bool m_done = false;
};

bool is_hex_digest(const std::string& s);

} // namespace detaudit::trace
