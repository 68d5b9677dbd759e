#include "background_load.hpp"
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <system_error>
#include <unistd.h>
#include "common/error.hpp"

namespace detaudit {

std::optional<LoadKind> load_kind_from_name(const std::string& name) {
    if (name == "none") return LoadKind::none;
    if (name == "cpu") return LoadKind::cpu;
    if (name == "memory") return LoadKind::memory;
    return std::nullopt;
}

const char* load_kind_name(LoadKind kind) {
    switch (kind) {
    case LoadKind::none: return "none";
    case LoadKind::cpu: return "cpu";
    case LoadKind::memory: return "memory";
    }
    return "none";
}

unsigned usable_cpu_count() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return static_cast<unsigned>(CPU_COUNT(&set));
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware == 0 ? 1 : hardware;
}

namespace {

// Load threads block every signal they can, so a stop signal always reaches a thread of the
// audit itself; they inherit the mask in force while they are created.
class SignalsBlockedHere {
public:
    SignalsBlockedHere() {
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &m_previous);
    }
    ~SignalsBlockedHere() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }
    SignalsBlockedHere(const SignalsBlockedHere&) = delete;
    SignalsBlockedHere& operator=(const SignalsBlockedHere&) = delete;

private:
    sigset_t m_previous;
};

constexpr std::size_t k_stream_chunk = std::size_t{1} << 20; // the stop flag is read once per chunk

} // namespace

BackgroundLoad::BackgroundLoad(const LoadOptions& options) {
    if (options.kind == LoadKind::none) return;
    const unsigned count = options.threads ? options.threads : usable_cpu_count();
    if (options.kind == LoadKind::memory) {
        const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        m_buffer_bytes = (std::max(options.buffer_bytes, page) + page - 1) / page * page;
        void* p = mmap(nullptr, m_buffer_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            m_buffer_bytes = 0;
            throw Error(ErrorKind::runtime, "host.load=memory: cannot map a " + std::to_string(options.buffer_bytes) +
                                                "-byte buffer: " + std::strerror(errno));
        }
        m_buffer = static_cast<unsigned char*>(p);
        std::memset(m_buffer, 1, m_buffer_bytes); // resident before run 1, not faulted in during it
    }
    try {
        start_threads(options.kind, count);
    } catch (...) {
        stop();
        throw;
    }
    while (m_running.load() < m_threads.size()) std::this_thread::yield();
}

BackgroundLoad::~BackgroundLoad() { stop(); }

void BackgroundLoad::start_threads(LoadKind kind, unsigned count) {
    const SignalsBlockedHere blocked;
    m_threads.reserve(count);
    const std::size_t slice = m_buffer_bytes / count;
    for (unsigned t = 0; t < count; ++t) {
        try {
            if (kind == LoadKind::cpu)
                m_threads.emplace_back([this] { busy_loop(); });
            else
                m_threads.emplace_back([this, t, slice, count] {
                    stream_slice(t * slice, t + 1 == count ? m_buffer_bytes - t * slice : slice);
                });
        } catch (const std::system_error& e) {
            throw Error(ErrorKind::runtime, std::string("host.load=") + load_kind_name(kind) + ": cannot start load thread " +
                                                std::to_string(t + 1) + " of " + std::to_string(count) + ": " + e.what());
        }
    }
}

void BackgroundLoad::busy_loop() {
    m_running.fetch_add(1);
    // A dependent chain of multiplies and adds: keeps a core's FP units busy, touches no memory.
    double x = 1.0;
    while (!m_stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < (1 << 16); ++i) {
            x = x * 1.0000001 + 1e-9;
            if (x > 2.0) x -= 1.0;
        }
        m_work.fetch_add(1, std::memory_order_relaxed);
    }
    volatile double observed = x; // the chain's result is observable: the compiler cannot drop it
    (void)observed;
}

void BackgroundLoad::stream_slice(std::size_t first, std::size_t bytes) {
    m_running.fetch_add(1);
    unsigned char* const begin = m_buffer + first;
    while (!m_stop.load(std::memory_order_relaxed)) {
        // Read and write every byte of the slice: each pass is bandwidth, never a cache hit.
        for (std::size_t done = 0; done < bytes && !m_stop.load(std::memory_order_relaxed); done += k_stream_chunk) {
            const std::size_t n = std::min(k_stream_chunk, bytes - done);
            unsigned char* const p = begin + done;
            for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(p[i] + 1);
        }
        m_work.fetch_add(1, std::memory_order_relaxed);
    }
}

void BackgroundLoad::stop() noexcept {
    m_stop.store(true);
    for (auto& t : m_threads)
        if (t.joinable()) t.join();
    m_threads.clear();
    if (m_buffer) munmap(m_buffer, m_buffer_bytes);
    m_buffer = nullptr;
    m_buffer_bytes = 0;
}

} // namespace detaudit
