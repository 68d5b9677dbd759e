// The runner's per-run step in one pass: the new output's digest and its comparison with the
// reference, streamed chunk by chunk so that each chunk of the new output is hashed and compared
// while it is in cache (the new output is read from memory once, not twice).
#pragma once
#include <string>
#include "diff_stats.hpp"

namespace detaudit {

struct DigestedComparison {
    std::string digest; // digest_bytes(current.bytes())
    DiffStats diff;     // compare_buffers(reference, current)
};

DigestedComparison digest_and_compare(const Buffer& reference, const Buffer& current);

} // namespace detaudit
