#include "trace/trace_reader.hpp"
#include <filesystem>
#include "common/dtype.hpp"
#include "common/error.hpp"
#include "trace/trace_line.hpp"

namespace detaudit::trace {
namespace {

constexpr std::size_t k_max_line_bytes = std::size_t{16} << 20;

bool known_dtype(const std::string& name) { return name == "bf16" || parse_dtype(name).has_value(); }

} // namespace

bool is_hex_digest(const std::string& s) {
    if (s.size() != 32) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

TraceReader::TraceReader(std::string path) : m_path(std::move(path)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(m_path, ec)) fail("missing (no such trace file)");
    m_folder = std::filesystem::path(m_path).parent_path().string();
    m_in.rdbuf()->pubsetbuf(m_buffer, sizeof m_buffer); // fewer read calls on traces of millions of lines
    m_in.open(m_path, std::ios::binary);
    if (!m_in) fail("cannot be opened");
    if (!std::getline(m_in, m_line)) fail("empty (no header line)");
    m_line_no = 1;
    if (m_in.eof()) fail("truncated header (no newline)");
    TraceLine l;
    const std::string error = parse_trace_line(m_line, l);
    if (!error.empty() || !l.detaudit_trace)
        fail("not a detaudit trace (the first line must be {\"detaudit_trace\": 1, ...})");
    if (*l.detaudit_trace != 1)
        fail("unknown trace version " + std::to_string(*l.detaudit_trace) + " (this detaudit reads version 1)");
    m_version = 1;
    if (l.digest) {
        if (*l.digest != "xxh3-128" && *l.digest != "blake2b-128")
            fail("unknown digest algorithm \"" + *l.digest + "\" (xxh3-128 or blake2b-128)");
        m_digest = *l.digest;
    }
}

void TraceReader::fail(const std::string& what) const {
    throw Error(ErrorKind::scenario,
                "trace " + m_path + (m_line_no ? ": line " + std::to_string(m_line_no) : std::string()) + ": " + what);
}

bool TraceReader::next(TraceRecord& out) {
    if (m_done) return false;
    if (!std::getline(m_in, m_line)) {
        if (m_in.bad()) fail("read error");
        m_done = true;
        return false;
    }
    ++m_line_no;
    if (m_in.eof()) fail("truncated: the last record has no newline (did the program stop mid-write?)");
    if (m_line.size() > k_max_line_bytes) fail("malformed: line longer than 16 MiB");
    TraceLine l;
    if (const std::string error = parse_trace_line(m_line, l); !error.empty()) fail("malformed: " + error);
    if (l.end && !l.seq) {
        if (*l.end < 0 || static_cast<uint64_t>(*l.end) != m_next_seq)
            fail("footer says " + std::to_string(*l.end) + " records, the trace holds " + std::to_string(m_next_seq));
        std::string rest;
        while (std::getline(m_in, rest)) {
            ++m_line_no;
            if (!rest.empty()) fail("malformed: text after the footer");
        }
        m_done = true;
        return false;
    }
    check_record(l, out);
    return true;
}

void TraceReader::check_record(TraceLine& l, TraceRecord& out) {
    auto require = [&](bool present, const char* key) {
        if (!present) fail(std::string("malformed: record without \"") + key + "\"");
    };
    require(l.seq.has_value(), "seq");
    require(l.name.has_value(), "name");
    require(l.dtype.has_value(), "dtype");
    require(l.shape.has_value(), "shape");
    require(l.digest.has_value(), "digest");
    if (*l.seq < 0 || static_cast<uint64_t>(*l.seq) != m_next_seq) {
        if (*l.seq >= 0 && m_next_seq > 0 && static_cast<uint64_t>(*l.seq) == m_next_seq - 1)
            fail("duplicate seq " + std::to_string(*l.seq));
        fail("seq out of order: " + std::to_string(*l.seq) + " where " + std::to_string(m_next_seq) + " was expected");
    }
    if (!known_dtype(*l.dtype)) fail("malformed: unknown dtype \"" + *l.dtype + "\"");
    if (!is_hex_digest(*l.digest)) fail("malformed: \"digest\" must be 32 lowercase hex digits");
    out.shape.clear();
    for (int64_t d : *l.shape) {
        if (d < 0) fail("malformed: negative dimension in \"shape\"");
        out.shape.push_back(static_cast<uint64_t>(d));
    }
    out.inputs.clear();
    if (l.inputs) {
        for (const std::string& d : *l.inputs)
            if (!is_hex_digest(d)) fail("malformed: \"inputs\" must hold 32-hex-digit digests");
        out.inputs = std::move(*l.inputs);
    }
    out.seq = m_next_seq++;
    out.name = std::move(*l.name);
    out.dtype = std::move(*l.dtype);
    out.digest = std::move(*l.digest);
    if (l.values) {
        // Values are read beneath the trace's folder only (an exec run's {out}).
        const std::filesystem::path v(*l.values);
        if (v.is_absolute() || v.empty()) fail("malformed: \"values\" must be a relative path");
        for (const auto& part : v)
            if (part == "..") fail("malformed: \"values\" must not leave the trace's folder");
    }
    out.values = l.values ? (std::filesystem::path(m_folder) / *l.values).string() : std::string();
    out.line = m_line_no;
}

} // namespace detaudit::trace
