// Contention while a cell runs (the `host.load` axis): busy threads on every core, or threads
// streaming a buffer larger than the caches, started before a cell's first run and stopped after
// its last. An RAII object: whatever ends the cell (its last run, an exception, a stop signal that
// makes the runner return) joins the threads and unmaps the buffer.
#pragma once
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace detaudit {

enum class LoadKind { none, cpu, memory };

// "none", "cpu", "memory" (the axis values); nullopt for anything else.
std::optional<LoadKind> load_kind_from_name(const std::string& name);
const char* load_kind_name(LoadKind kind);

// The memory load's buffer: 256 MiB, far beyond any last-level cache, so every pass goes to DRAM.
inline constexpr std::size_t k_memory_load_bytes = std::size_t{256} << 20;

struct LoadOptions {
    LoadKind kind = LoadKind::none;
    unsigned threads = 0;          // 0: one per CPU this process may run on (sched_getaffinity)
    std::size_t buffer_bytes = k_memory_load_bytes; // memory load only; tests use less
};

class BackgroundLoad {
public:
    // Returns once every load thread runs (and, for memory, once the buffer is mapped and
    // touched), so the load is in place before run 1. Throws detaudit::Error (runtime) when the
    // buffer cannot be mapped or a thread cannot start, having stopped what it started.
    explicit BackgroundLoad(const LoadOptions& options);
    ~BackgroundLoad();
    BackgroundLoad(const BackgroundLoad&) = delete;
    BackgroundLoad& operator=(const BackgroundLoad&) = delete;

    // Stops and joins the threads and unmaps the buffer; idempotent (the destructor calls it).
    void stop() noexcept;
    std::size_t thread_count() const { return m_threads.size(); }
    std::size_t buffer_bytes() const { return m_buffer_bytes; }
    // Passes over the whole buffer or busy-loop blocks the threads have completed: proof of work.
    uint64_t work_done() const { return m_work.load(std::memory_order_relaxed); }

private:
    void start_threads(LoadKind kind, unsigned count);
    void busy_loop();
    void stream_slice(std::size_t first, std::size_t bytes);

    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_work{0};
    std::atomic<unsigned> m_running{0};
    std::vector<std::thread> m_threads;
    unsigned char* m_buffer = nullptr;
    std::size_t m_buffer_bytes = 0;
};

// The CPUs this process may run on (at least 1).
unsigned usable_cpu_count();

} // namespace detaudit
