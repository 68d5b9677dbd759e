// A typed, shaped block of little-endian element bytes: an op's input or one run's output.
#pragma once
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <vector>
#include "dtype.hpp"

namespace detaudit {

class Buffer {
public:
    Buffer() = default;
    Buffer(DType dtype, std::vector<std::size_t> shape);

    DType dtype() const { return m_dtype; }
    const std::vector<std::size_t>& shape() const { return m_shape; }
    std::size_t elements() const { return m_elements; }
    std::size_t size_bytes() const { return m_elements * dtype_size(m_dtype); }

    std::byte* data() { return m_bytes.get(); }
    const std::byte* data() const { return m_bytes.get(); }
    std::span<const std::byte> bytes() const { return {data(), size_bytes()}; }

    template <typename T> T* as() { return reinterpret_cast<T*>(data()); }
    template <typename T> const T* as() const { return reinterpret_cast<const T*>(data()); }

    Buffer clone() const;
    void copy_from(const Buffer& other); // same dtype and shape

private:
    DType m_dtype = DType::f32;
    std::vector<std::size_t> m_shape;
    std::size_t m_elements = 0;
    // Not value-initialised (outputs are overwritten by every run, inputs by the generator), and
    // 64-byte aligned: a 16-byte offset costs ~20 % of read bandwidth in the vector loops.
    struct AlignedDelete {
        void operator()(std::byte* p) const;
    };
    std::unique_ptr<std::byte[], AlignedDelete> m_bytes;
};

} // namespace detaudit
