#include "stored_output.hpp"
#include <algorithm>
#include <cstring>
#include "digest.hpp"
#include "range_stats.hpp"

namespace detaudit {
namespace {

// Both pieces stay in L2 between reading, hashing and comparing.
constexpr std::size_t k_piece_bytes = std::size_t{256} << 10;

// Walks two same-typed, same-shaped outputs a piece at a time; `visit(piece_a, piece_b, offset)`.
template <typename Visit> void for_each_piece(const StoredOutput& a, const StoredOutput& b, Visit visit) {
    const std::size_t n = a.elements();
    const std::size_t per_piece = std::max<std::size_t>(1, k_piece_bytes / dtype_size(a.dtype()));
    Buffer piece_a(a.dtype(), {std::min(per_piece, n)}), piece_b(b.dtype(), {std::min(per_piece, n)});
    for (std::size_t offset = 0; offset < n;) {
        const std::size_t count = std::min(per_piece, n - offset);
        if (count != piece_a.elements()) { // the last, shorter piece
            piece_a = Buffer(a.dtype(), {count});
            piece_b = Buffer(b.dtype(), {count});
        }
        a.read(offset, count, piece_a.data());
        b.read(offset, count, piece_b.data());
        visit(piece_a, piece_b, offset);
        offset += count;
    }
}

// The statistics of a whole comparison from its pieces: compare_range adds counts, histogram and
// maxima; a first difference found in a piece is moved to its place in the whole output.
DiffStats streamed_stats(const StoredOutput& reference, const StoredOutput& current, DigestStream* digest) {
    DiffStats s;
    s.dtype = reference.dtype();
    s.raw_bytes = reference.dtype() == DType::bytes;
    s.elements = reference.elements();
    for_each_piece(reference, current, [&](const Buffer& a, const Buffer& b, std::size_t offset) {
        if (digest) digest->update(b.bytes());
        const bool had_first = s.first_difference.has_value();
        compare_range(a, b, 0, a.elements(), s);
        if (!had_first && s.first_difference) s.first_difference->index += offset;
    });
    s.identical = s.differing_elements == 0;
    return s;
}

bool comparable(const StoredOutput& a, const StoredOutput& b) {
    return a.dtype() == b.dtype() && a.shape() == b.shape();
}

} // namespace

DType StoredOutput::dtype() const {
    return in_memory() ? buffer().dtype() : spooled().dtype();
}

const std::vector<std::size_t>& StoredOutput::shape() const {
    return in_memory() ? buffer().shape() : spooled().shape();
}

std::size_t StoredOutput::elements() const {
    return in_memory() ? buffer().elements() : spooled().elements();
}

void StoredOutput::read(std::size_t first, std::size_t count, std::byte* dst) const {
    if (!in_memory()) return spooled().read(first, count, dst);
    const std::size_t width = dtype_size(buffer().dtype());
    if (count > 0) std::memcpy(dst, buffer().data() + first * width, count * width);
}

Buffer StoredOutput::head(std::size_t count) const {
    Buffer b(dtype(), {std::min(count, elements())});
    read(0, b.elements(), b.data());
    return b;
}

std::string digest_output(const StoredOutput& output) {
    if (output.in_memory()) return digest_bytes(output.buffer().bytes());
    DigestStream digest;
    const std::size_t per_piece = std::max<std::size_t>(1, k_piece_bytes / dtype_size(output.dtype()));
    Buffer piece(output.dtype(), {std::min(per_piece, output.elements())});
    for (std::size_t offset = 0; offset < output.elements(); offset += per_piece) {
        const std::size_t count = std::min(per_piece, output.elements() - offset);
        output.read(offset, count, piece.data());
        digest.update(piece.bytes().first(count * dtype_size(output.dtype())));
    }
    return digest.hex();
}

DigestedComparison digest_and_compare(const StoredOutput& reference, const StoredOutput& current) {
    if (reference.in_memory() && current.in_memory()) return digest_and_compare(reference.buffer(), current.buffer());
    if (!comparable(reference, current))
        return {digest_output(current),
                describe_mismatch(reference.dtype(), reference.shape(), current.dtype(), current.shape())};
    DigestStream digest;
    DigestedComparison result;
    result.diff = streamed_stats(reference, current, &digest);
    result.digest = digest.hex();
    return result;
}

DiffStats compare_outputs(const StoredOutput& reference, const StoredOutput& other) {
    if (reference.in_memory() && other.in_memory()) return compare_buffers(reference.buffer(), other.buffer());
    if (!comparable(reference, other))
        return describe_mismatch(reference.dtype(), reference.shape(), other.dtype(), other.shape());
    return streamed_stats(reference, other, nullptr);
}

} // namespace detaudit
