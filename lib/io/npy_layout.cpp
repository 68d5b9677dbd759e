#include "npy_layout.hpp"
#include <algorithm>
#include <cstring>

namespace detaudit {
namespace {

// Visits the elements in C order (position `c` counts up) and, for each, its position in Fortran
// order; `copy(c, f)` moves one element. One loop serves both directions.
template <typename Copy> void walk_orders(const std::vector<std::size_t>& shape, Copy&& copy) {
    const std::size_t k = shape.size();
    std::size_t total = 1;
    for (std::size_t d : shape) total *= d;
    if (k == 0 || total == 0) {
        if (total == 1) copy(0, 0); // a 0-d array holds one element
        return;
    }
    std::vector<std::size_t> stride(k), index(k, 0);
    std::size_t s = 1;
    for (std::size_t j = 0; j < k; ++j) {
        stride[j] = s;
        s *= shape[j];
    }
    const std::size_t last = shape[k - 1], last_stride = stride[k - 1];
    std::size_t base = 0, c = 0;
    while (true) {
        for (std::size_t i = 0; i < last; ++i, ++c) copy(c, base + i * last_stride);
        // Advance the C-order index of every dimension but the last, like an odometer.
        std::size_t j = k - 1;
        while (true) {
            if (j == 0) return;
            --j;
            ++index[j];
            base += stride[j];
            if (index[j] < shape[j]) break;
            base -= index[j] * stride[j];
            index[j] = 0;
        }
    }
}

} // namespace

void swap_bytes(std::byte* data, std::size_t bytes, std::size_t part) {
    for (std::size_t offset = 0; offset + part <= bytes; offset += part) std::reverse(data + offset, data + offset + part);
}

void fortran_to_c(const std::byte* src, std::byte* dst, const std::vector<std::size_t>& shape, std::size_t width) {
    walk_orders(shape, [&](std::size_t c, std::size_t f) { std::memcpy(dst + c * width, src + f * width, width); });
}

void c_to_fortran(const std::byte* src, std::byte* dst, const std::vector<std::size_t>& shape, std::size_t width) {
    walk_orders(shape, [&](std::size_t c, std::size_t f) { std::memcpy(dst + f * width, src + c * width, width); });
}

} // namespace detaudit
