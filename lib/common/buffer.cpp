#include "buffer.hpp"
#include <new>
#include <stdexcept>

namespace detaudit {
namespace {
constexpr std::size_t k_alignment = 64;
}

Buffer::Buffer(DType dtype, std::vector<std::size_t> shape)
    : m_dtype(dtype), m_shape(std::move(shape)), m_elements(1) {
    for (std::size_t d : m_shape) m_elements *= d;
    const std::size_t bytes = size_bytes() == 0 ? 1 : size_bytes();
    m_bytes.reset(static_cast<std::byte*>(::operator new[](bytes, std::align_val_t{k_alignment})));
}

void Buffer::AlignedDelete::operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t{k_alignment}); }

Buffer Buffer::clone() const {
    Buffer copy(m_dtype, m_shape);
    if (size_bytes()) std::memcpy(copy.data(), data(), size_bytes());
    return copy;
}

void Buffer::copy_from(const Buffer& other) {
    if (other.m_dtype != m_dtype || other.m_shape != m_shape)
        throw std::logic_error("Buffer::copy_from: dtype or shape mismatch");
    if (size_bytes()) std::memcpy(data(), other.data(), size_bytes());
}

} // namespace detaudit
