#include "digest.hpp"
#include <xxhash.h>

namespace detaudit {

std::string digest_bytes(std::span<const std::byte> bytes) {
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, h); // big-endian: high 64 bits first, as xxhsum prints
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (std::size_t i = 0; i < 16; ++i) {
        out[2 * i] = k_hex[canonical.digest[i] >> 4];
        out[2 * i + 1] = k_hex[canonical.digest[i] & 15];
    }
    return out;
}

} // namespace detaudit
