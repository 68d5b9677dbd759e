#include "stored_output.hpp"
#include <algorithm>
#include <cstring>
#include "digest.hpp"
#include "piece_walker.hpp"

namespace detaudit {
namespace {

ElementReader reader_of(const StoredOutput& output) {
    return [&output](std::size_t first, std::size_t count, std::byte* dst) { output.read(first, count, dst); };
}

DiffStats streamed_stats(const StoredOutput& reference, const StoredOutput& current, DigestStream* digest) {
    if (!digest) return compare_in_pieces(reference.dtype(), reference.elements(), reader_of(reference), reader_of(current));
    return compare_in_pieces(reference.dtype(), reference.elements(), reader_of(reference), reader_of(current),
                             [digest](const Buffer& piece) { digest->update(piece.bytes()); });
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
