#include "digest_compare.hpp"
#include <algorithm>
#include "digest.hpp"
#include "range_stats.hpp"

namespace detaudit {
namespace {

// Small enough that a chunk of both buffers stays in L1/L2 between hashing and comparing, large
// enough that the per-chunk calls cost nothing.
constexpr std::size_t k_fused_chunk_bytes = 32768;

} // namespace

DigestedComparison digest_and_compare(const Buffer& reference, const Buffer& current) {
    const bool comparable = reference.dtype() == current.dtype() && reference.shape() == current.shape();
    if (!comparable) { // compare_buffers reports the mismatch without reading elements
        DigestedComparison result{digest_bytes(current.bytes()), compare_buffers(reference, current)};
        return result;
    }
    DigestedComparison result;
    DiffStats& s = result.diff;
    s.dtype = reference.dtype();
    s.raw_bytes = reference.dtype() == DType::bytes;
    s.elements = reference.elements();
    const std::size_t width = dtype_size(reference.dtype());
    const std::size_t chunk = std::max<std::size_t>(1, k_fused_chunk_bytes / width);
    DigestStream digest;
    const std::span<const std::byte> bytes = current.bytes();
    for (std::size_t begin = 0; begin < s.elements; begin += chunk) {
        const std::size_t end = std::min(s.elements, begin + chunk);
        digest.update(bytes.subspan(begin * width, (end - begin) * width));
        compare_range(reference, current, begin, end, s);
    }
    s.identical = s.differing_elements == 0;
    result.digest = digest.hex();
    return result;
}

} // namespace detaudit
