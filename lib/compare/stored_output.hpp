// An output as the runner keeps it: in memory (a built-in op's buffer, written by the backend)
// or spooled to a file (an exec program's file, which may be larger than memory). Digests and
// comparisons of spooled outputs read them a piece at a time, so memory never holds two whole
// outputs (docs/performance.md, "Memory"); the results are those of the in-memory functions.
#pragma once
#include <string>
#include <variant>
#include "digest_compare.hpp"
#include "io/spooled_array.hpp"

namespace detaudit {

class StoredOutput {
public:
    StoredOutput(Buffer buffer) : m_value(std::move(buffer)) {}
    StoredOutput(SpooledArray array) : m_value(std::move(array)) {}

    bool in_memory() const { return std::holds_alternative<Buffer>(m_value); }
    Buffer& buffer() { return std::get<Buffer>(m_value); }
    const Buffer& buffer() const { return std::get<Buffer>(m_value); }
    const SpooledArray& spooled() const { return std::get<SpooledArray>(m_value); }

    DType dtype() const;
    const std::vector<std::size_t>& shape() const;
    std::size_t elements() const;
    // Elements [first, first + count), little-endian, into `dst`.
    void read(std::size_t first, std::size_t count, std::byte* dst) const;
    // The first `count` elements (at most elements()) as a buffer of that many.
    Buffer head(std::size_t count) const;

private:
    std::variant<Buffer, SpooledArray> m_value;
};

std::string digest_output(const StoredOutput& output);
// digest_and_compare / compare_buffers for any two stored outputs.
DigestedComparison digest_and_compare(const StoredOutput& reference, const StoredOutput& current);
DiffStats compare_outputs(const StoredOutput& reference, const StoredOutput& other);

} // namespace detaudit
