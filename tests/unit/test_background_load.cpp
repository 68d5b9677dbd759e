// The host.load generator: its threads exist while it runs and are gone after stop (counted in
// /proc/self/task), its buffer is resident while it runs and returned after (/proc/self/statm),
// on a normal stop and when an exception unwinds through it.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>
#include "audit/background_load.hpp"

using namespace detaudit;

namespace {

std::size_t task_count() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// Waits (at most a minute, on a machine that may be busy) until the load has done some work.
bool worked(const BackgroundLoad& load) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (load.work_done() == 0 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return load.work_done() > 0;
}

constexpr std::size_t k_test_buffer = std::size_t{64} << 20;

} // namespace

TEST_CASE("load kinds by name: the axis values and nothing else") {
    CHECK(load_kind_from_name("none") == LoadKind::none);
    CHECK(load_kind_from_name("cpu") == LoadKind::cpu);
    CHECK(load_kind_from_name("memory") == LoadKind::memory);
    CHECK_FALSE(load_kind_from_name("gpu"));
    CHECK_FALSE(load_kind_from_name("CPU"));
    for (LoadKind k : {LoadKind::none, LoadKind::cpu, LoadKind::memory}) CHECK(load_kind_from_name(load_kind_name(k)) == k);
}

TEST_CASE("no load starts no thread and maps nothing") {
    const std::size_t before = task_count();
    BackgroundLoad load({LoadKind::none, 0, k_test_buffer});
    CHECK(load.thread_count() == 0);
    CHECK(load.buffer_bytes() == 0);
    CHECK(task_count() == before);
}

TEST_CASE("cpu load: one busy thread per usable CPU while it runs, none after stop") {
    const std::size_t before = task_count();
    BackgroundLoad load({LoadKind::cpu, 0, 0});
    CHECK(load.thread_count() == usable_cpu_count());
    CHECK(task_count() == before + usable_cpu_count());
    CHECK(worked(load));
    load.stop();
    CHECK(load.thread_count() == 0);
    CHECK(task_count() == before);
    load.stop(); // idempotent: the destructor calls it again
    CHECK(task_count() == before);
}

TEST_CASE("memory load: the buffer is resident while it runs and returned after stop") {
    const std::size_t tasks_before = task_count();
    const std::size_t resident_before = resident_bytes();
    std::size_t resident_during = 0;
    {
        BackgroundLoad load({LoadKind::memory, 3, k_test_buffer});
        CHECK(load.thread_count() == 3);
        CHECK(task_count() == tasks_before + 3);
        CHECK(load.buffer_bytes() == k_test_buffer);
        CHECK(worked(load)); // a thread streamed its whole slice at least once
        resident_during = resident_bytes();
        CHECK(resident_during >= resident_before + k_test_buffer);
    }
    CHECK(task_count() == tasks_before);
    // Returned to the system, not kept by an allocator: the whole buffer left the resident set
    // (thread stacks and a sanitizer's own bookkeeping may leave a few pages either way).
    CHECK(resident_bytes() + k_test_buffer * 7 / 8 <= resident_during);
}

TEST_CASE("an exception unwinding through a running load stops its threads and frees its memory") {
    const std::size_t tasks_before = task_count();
    std::size_t resident_during = 0;
    try {
        BackgroundLoad cpu({LoadKind::cpu, 2, 0});
        BackgroundLoad memory({LoadKind::memory, 2, k_test_buffer});
        REQUIRE(task_count() == tasks_before + 4);
        REQUIRE(worked(memory));
        resident_during = resident_bytes();
        throw std::runtime_error("a run failed");
    } catch (const std::runtime_error&) {
    }
    CHECK(task_count() == tasks_before);
    CHECK(resident_bytes() + k_test_buffer * 7 / 8 <= resident_during);
}
