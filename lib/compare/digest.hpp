// Output digests: XXH3-128 (seed 0) of the raw little-endian bytes, printed as `xxhsum -H2` does.
// Computed by xxhash.h compiled for the widest vector unit the CPU has (xxh3_isa.hpp).
#pragma once
#include "xxh3_isa.hpp"
#include <cstddef>
#include <span>
#include <string>

namespace detaudit {

std::string digest_bytes(std::span<const std::byte> bytes);

// A hash as digest_bytes prints it: the canonical form of `xxhsum -H2`.
std::string digest_hex(const xxh3_isa::Hash128& h);

// The same digest fed a piece at a time (pieces of any size give the same digest).
class DigestStream {
  public:
    DigestStream();
    void update(std::span<const std::byte> bytes);
    std::string hex() const;

  private:
    const xxh3_isa::Ops* m_ops;
    xxh3_isa::State m_state;
};

} // namespace detaudit
