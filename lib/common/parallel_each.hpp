// Independent jobs 0..n-1 (files to read, parts of a report to render) on the machine's hardware
// threads. The outcome does not depend on the thread count: each job writes only its own slot, and
// when jobs throw, the exception of the lowest index is the one rethrown, as a loop would give.
#pragma once
#include <cstddef>
#include <functional>

namespace detaudit {

// Runs job(i) for every i in [0, n) on up to `max_threads` threads (0: the hardware threads),
// then rethrows the exception of the lowest failing index, if any.
void parallel_each(std::size_t n, const std::function<void(std::size_t)>& job,
                   std::size_t max_threads = 0);

} // namespace detaudit
