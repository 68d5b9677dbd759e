// The runner's per-run step in one pass: the new output's digest and its comparison with the
// reference in one loop: each 64-byte stripe of the new output feeds XXH3 and an XOR-compare with
// the reference, so both are read from memory once, side by side; chunks that differ are then
// compared element by element while in cache.
#pragma once
#include "diff_stats.hpp"
#include "xxh3_isa.hpp"
#include <string>

namespace detaudit {

struct DigestedComparison {
    std::string digest; // digest_bytes(current.bytes())
    DiffStats diff;     // compare_buffers(reference, current)
};

DigestedComparison digest_and_compare(const Buffer& reference, const Buffer& current);
// The same with a given XXH3 variant (tests run each one the CPU has).
DigestedComparison digest_and_compare(const Buffer& reference, const Buffer& current,
                                      const xxh3_isa::Ops& ops);

} // namespace detaudit
