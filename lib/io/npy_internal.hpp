// What the .npy and .npz readers share (not part of lib/io's interface): byte sources, the
// parsed header, and the failure every bad file ends in (a scenario Error naming the file).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>
#include "common/buffer.hpp"

namespace detaudit::npy_detail {

[[noreturn]] void fail(const std::string& label, const std::string& what);

// --- where the bytes come from ----------------------------------------------------------------

class Source {
public:
    virtual ~Source() = default;
    // Up to `n` bytes into `dst`; fewer only at the end. Throws Error on a read failure.
    virtual std::size_t read(std::byte* dst, std::size_t n) = 0;
    uint64_t size = 0; // total bytes the source says it holds
};

class MemorySource final : public Source {
public:
    explicit MemorySource(std::span<const std::byte> bytes) : m_bytes(bytes) { size = bytes.size(); }
    std::size_t read(std::byte* dst, std::size_t n) override {
        n = std::min(n, m_bytes.size() - m_pos);
        if (n) std::memcpy(dst, m_bytes.data() + m_pos, n);
        m_pos += n;
        return n;
    }

private:
    std::span<const std::byte> m_bytes;
    std::size_t m_pos = 0;
};

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// Opens `path` for reading, with one-line errors for a directory or a missing file; `size`
// (when given) receives its size.
std::unique_ptr<std::FILE, FileCloser> open_file(const std::string& path, uint64_t* size);

class FileSource final : public Source {
public:
    explicit FileSource(std::string path) : m_path(std::move(path)), m_file(open_file(m_path, &size)) {}
    std::size_t read(std::byte* dst, std::size_t n) override;

private:
    std::string m_path;
    std::unique_ptr<std::FILE, FileCloser> m_file;
};

// Up to `n` bytes, fewer only at the source's end.
std::size_t read_exactly(Source& src, std::byte* dst, std::size_t n);

// --- the header (npy_header.cpp) ----------------------------------------------------------------

struct NpyHeader {
    DType dtype = DType::f32;
    bool big_endian = false;
    bool fortran_order = false;
    std::vector<std::size_t> shape;
    std::size_t elements = 1;
    std::size_t data_bytes = 0;
};

// Reads the prefix and the header, and checks that the source holds the data they announce.
NpyHeader read_header(Source& src, const std::string& label);
// An array's elements arrive in C order unless it is Fortran order with two or more dimensions
// longer than 1 (otherwise the two orders are the same bytes).
bool needs_transpose(const NpyHeader& h);
// For member names in messages: control characters as '?', everything else (UTF-8 too) kept.
std::string without_control_characters(std::string text);

// --- whole arrays (npy_reader.cpp) -----------------------------------------------------------

// The header, then the whole array in C order and native byte order.
Buffer load(Source& src, const std::string& label);
// The same once the header `h` has been read.
Buffer load_data(Source& src, const NpyHeader& h, const std::string& label);

} // namespace detaudit::npy_detail
