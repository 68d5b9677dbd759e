#include "digest.hpp"

namespace detaudit {

DigestStream::DigestStream() : m_ops(&xxh3_isa::best_ops()) {
    m_ops->reset(m_state);
}

void DigestStream::update(std::span<const std::byte> bytes) {
    if (!bytes.empty()) m_ops->update(m_state, bytes.data(), bytes.size());
}

std::string DigestStream::hex() const {
    return digest_hex(m_ops->digest(m_state));
}

std::string digest_hex(const xxh3_isa::Hash128& h) {
    // Canonical form, as xxhsum prints: the high 64 bits first, each big-endian.
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (int i = 0; i < 16; ++i) {
        out[static_cast<std::size_t>(i)] = k_hex[(h.high >> (60 - 4 * i)) & 15];
        out[static_cast<std::size_t>(16 + i)] = k_hex[(h.low >> (60 - 4 * i)) & 15];
    }
    return out;
}

std::string digest_bytes(std::span<const std::byte> bytes) {
    DigestStream stream;
    stream.update(bytes);
    return stream.hex();
}

} // namespace detaudit
