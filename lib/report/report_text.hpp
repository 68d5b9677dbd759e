// The text of a saved report's operations, for `merge`: an operation never spans shards, so the
// merged report can copy each one as its shard wrote it instead of rendering it again (which costs
// as much as parsing; issue 11's fleet target).
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace detaudit {

// The elements of the top-level "operations" array of `text`, in order, each from its first to
// its last character, as views into `text`. `text` must be JSON the report reader accepted (it
// is scanned, not validated); nullopt when no top-level "operations" key is spelled plainly.
std::optional<std::vector<std::string_view>> operation_texts(std::string_view text);

} // namespace detaudit
