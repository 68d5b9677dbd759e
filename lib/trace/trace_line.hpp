// One line of a trace file (docs/trace.md) parsed into its known keys. A small strict JSON object
// parser rather than a DOM: the reader parses millions of lines and must stay near disk speed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace detaudit::trace {

// The keys a header, record or footer line may carry; unknown keys are skipped.
struct TraceLine {
    std::optional<int64_t> detaudit_trace, seq, end;
    // `digest`: a record's 32 hex digits, or the header's algorithm name ("xxh3-128").
    std::optional<std::string> name, dtype, digest, values, producer;
    std::optional<std::vector<int64_t>> shape;
    std::optional<std::vector<std::string>> inputs;
};

// Parses `text` (one line, no newline) into `out`. Returns "" or a one-phrase error
// ("expected ':' at column 12", "\"shape\" must be an array of integers").
std::string parse_trace_line(std::string_view text, TraceLine& out);

} // namespace detaudit::trace
