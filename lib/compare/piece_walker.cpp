#include "piece_walker.hpp"
#include "range_stats.hpp"
#include <algorithm>

namespace detaudit {

DiffStats compare_in_pieces(DType dtype, std::size_t elements, const ElementReader& reference,
                            const ElementReader& other,
                            const std::function<void(const Buffer&)>& on_other_piece) {
    DiffStats s;
    s.dtype = dtype;
    s.raw_bytes = dtype == DType::bytes;
    s.elements = elements;
    const std::size_t per_piece = std::max<std::size_t>(1, k_piece_bytes / dtype_size(dtype));
    Buffer piece_a(dtype, {std::min(per_piece, elements)}),
        piece_b(dtype, {std::min(per_piece, elements)});
    for (std::size_t offset = 0; offset < elements;) {
        const std::size_t count = std::min(per_piece, elements - offset);
        if (count != piece_a.elements()) { // the last, shorter piece
            piece_a = Buffer(dtype, {count});
            piece_b = Buffer(dtype, {count});
        }
        reference(offset, count, piece_a.data());
        other(offset, count, piece_b.data());
        if (on_other_piece) on_other_piece(piece_b);
        // compare_range adds counts, histogram and maxima; a first difference found in this piece
        // is moved to its place in the whole array.
        const bool had_first = s.first_difference.has_value();
        compare_range(piece_a, piece_b, 0, count, s);
        if (!had_first && s.first_difference) s.first_difference->index += offset;
        offset += count;
    }
    s.identical = s.differing_elements == 0;
    return s;
}

} // namespace detaudit
