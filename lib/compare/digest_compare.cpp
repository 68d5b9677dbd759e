#include "digest_compare.hpp"
#include "digest.hpp"
#include "range_stats.hpp"
#include <algorithm>

namespace detaudit {
namespace {

// Blocks hashed and equality-scanned per call: a chunk that differs is then compared element by
// element while both buffers' copies of it are still in L1/L2 (16 KiB each).
constexpr std::size_t k_chunk_blocks = 16;

// Hashes `current` while XOR-comparing it with `reference` in the same stripe loop, so that the
// two buffers are read from memory once, side by side; only the chunks where a byte differs go
// through compare_range. Identical elements count as 0 ULP apart in every dtype.
std::string hash_and_compare(const Buffer& reference, const Buffer& current,
                             const xxh3_isa::Ops& ops, DiffStats& s) {
    const std::size_t size = current.size_bytes();
    const std::size_t width = dtype_size(current.dtype());
    if (size < xxh3_isa::k_long_input_min) {
        compare_range(reference, current, 0, s.elements, s);
        xxh3_isa::State state;
        ops.reset(state);
        ops.update(state, current.data(), size);
        return digest_hex(ops.digest(state));
    }
    static_assert(xxh3_isa::k_block_bytes % 16 == 0, "whole elements of every dtype per block");
    const std::size_t blocks = xxh3_isa::long_hash_blocks(size);
    xxh3_isa::LongHash hash;
    ops.long_begin(hash);
    for (std::size_t b = 0; b < blocks; b += k_chunk_blocks) {
        const std::size_t count = std::min(k_chunk_blocks, blocks - b);
        const std::size_t offset = b * xxh3_isa::k_block_bytes;
        const std::size_t begin = offset / width;
        const std::size_t end = (offset + count * xxh3_isa::k_block_bytes) / width;
        if (ops.long_blocks_compare(hash, current.data() + offset, reference.data() + offset,
                                    count))
            compare_range(reference, current, begin, end, s);
        else
            s.ulp_histogram[0] += end - begin;
    }
    compare_range(reference, current, blocks * xxh3_isa::k_block_bytes / width, s.elements, s);
    return digest_hex(ops.long_finish(hash, current.data(), size));
}

} // namespace

DigestedComparison digest_and_compare(const Buffer& reference, const Buffer& current,
                                      const xxh3_isa::Ops& ops) {
    const bool comparable =
        reference.dtype() == current.dtype() && reference.shape() == current.shape();
    if (!comparable) { // compare_buffers reports the mismatch without reading elements
        DigestedComparison result{digest_bytes(current.bytes()),
                                  compare_buffers(reference, current)};
        return result;
    }
    DigestedComparison result;
    DiffStats& s = result.diff;
    s.dtype = reference.dtype();
    s.raw_bytes = reference.dtype() == DType::bytes;
    s.elements = reference.elements();
    result.digest = hash_and_compare(reference, current, ops, s);
    s.identical = s.differing_elements == 0;
    return result;
}

DigestedComparison digest_and_compare(const Buffer& reference, const Buffer& current) {
    return digest_and_compare(reference, current, xxh3_isa::best_ops());
}

} // namespace detaudit
