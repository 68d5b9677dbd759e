#include "common/parallel_each.hpp"
#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace detaudit {

void parallel_each(std::size_t n, const std::function<void(std::size_t)>& job,
                   std::size_t max_threads) {
    if (max_threads == 0) max_threads = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = std::min(n, max_threads);
    std::vector<std::exception_ptr> failures(n);
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < n; i = next++) {
            try {
                job(i);
            } catch (...) {
                failures[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    for (const auto& failure : failures)
        if (failure) std::rethrow_exception(failure);
}

} // namespace detaudit
