// An array kept in a file instead of memory: an exec program's output can be as large as the
// disk, so the runner keeps it as raw little-endian C-order elements (no header) in a file of its
// own, reads it a piece at a time, and removes the file when the SpooledArray goes
// (docs/performance.md, "Memory").
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <vector>
#include "common/buffer.hpp"

namespace detaudit {

class SpooledArray {
public:
    SpooledArray() = default;
    ~SpooledArray();
    SpooledArray(SpooledArray&& other) noexcept;
    SpooledArray& operator=(SpooledArray&& other) noexcept;
    SpooledArray(const SpooledArray&) = delete;
    SpooledArray& operator=(const SpooledArray&) = delete;

    DType dtype() const { return m_dtype; }
    const std::vector<std::size_t>& shape() const { return m_shape; }
    std::size_t elements() const { return m_elements; }
    std::size_t size_bytes() const { return m_elements * dtype_size(m_dtype); }
    const std::string& path() const { return m_path; }

    // Elements [first, first + count) into `dst` (count * dtype_size bytes). Throws a runtime
    // Error if the file is shorter or unreadable.
    void read(std::size_t first, std::size_t count, std::byte* dst) const;
    // The whole array in memory (tests, and arrays small enough to show).
    Buffer load() const;

private:
    friend class SpoolWriter;
    void release() noexcept;

    std::string m_path;
    int m_fd = -1;
    DType m_dtype = DType::bytes;
    std::vector<std::size_t> m_shape;
    std::size_t m_elements = 0;
};

// Writes a new spool file a piece at a time: created exclusively (never through an existing name
// or link), removed again unless finish() hands it to a SpooledArray.
class SpoolWriter {
public:
    SpoolWriter(std::string path, DType dtype, std::vector<std::size_t> shape);
    ~SpoolWriter();
    SpoolWriter(const SpoolWriter&) = delete;
    SpoolWriter& operator=(const SpoolWriter&) = delete;

    void append(std::span<const std::byte> bytes);
    // Every element was appended: the array, which now owns the file.
    SpooledArray finish();

private:
    SpooledArray m_array;
    std::size_t m_written = 0;
};

// A buffer moved to a spool file at `path`.
SpooledArray spool_buffer(const Buffer& buffer, const std::string& path);

} // namespace detaudit
