// Output digests: XXH3-128 (seed 0) of the raw little-endian bytes, printed as `xxhsum -H2` does.
#pragma once
#include <cstddef>
#include <span>
#include <string>

namespace detaudit {

std::string digest_bytes(std::span<const std::byte> bytes);

} // namespace detaudit
