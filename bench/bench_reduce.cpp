// Every CPU `reduce` algorithm, f32 and f64, at n = 2^26 on 2 threads, as ratios to `blocked`
// (the fixed-order parallel sum) measured in the same process; also the bytes/s each achieves.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_harness.hpp"
#include "catalog/catalog.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"

namespace {

using namespace detaudit::bench;
namespace k = detaudit::kernels;

constexpr int k_threads = 2;

// Every reduce algorithm of the catalog that the CPU implements, through the registry the cpu
// backend uses (so a new algorithm is benched without editing this file); `blocked`, the anchor,
// first.
std::vector<const k::CpuReduceKernel*> cpu_algorithms() {
    std::vector<const k::CpuReduceKernel*> kernels = {k::find_cpu_reduce_kernel("blocked")};
    for (const std::string& name : detaudit::algorithm_names(*detaudit::find_kind("reduce")))
        if (const auto* kernel = k::find_cpu_reduce_kernel(name); kernel && name != "blocked")
            kernels.push_back(kernel);
    return kernels;
}

// Uniform in (-1, 1]: mixed signs, so cancellation and the binned sum's sign handling are
// exercised.
template <typename T> std::vector<T> make_input(std::size_t n) {
    std::vector<T> x(n);
    k::rng_philox<T>(k::Distribution::uniform, 42, x.data(), n, k::CpuSettings{k_threads});
    for (T& v : x)
        v = v * T(2) - T(1);
    return x;
}

template <typename T> const char* dtype_name() {
    return sizeof(T) == 4 ? "f32" : "f64";
}

template <typename T> auto pick(const k::CpuReduceKernel& a) {
    if constexpr (sizeof(T) == 4)
        return a.f32;
    else
        return a.f64;
}

// Times every algorithm on `threads` threads (interleaved rounds), then prints ratios to blocked.
template <typename T>
void run_dtype(const Options& options, Scoreboard& board, int threads, bool serial_too) {
    const std::size_t n = std::size_t(1) << options.log2_n;
    const std::vector<T> x = make_input<T>(n);
    const k::CpuSettings settings{threads, k::CpuSchedule::static_};
    Suite suite(options.repeats);
    std::vector<const k::CpuReduceKernel*> timed;
    std::vector<std::size_t> ids;
    for (const k::CpuReduceKernel* a : cpu_algorithms()) {
        if (!a->uses_threads && !serial_too) continue;
        const auto f = pick<T>(*a);
        timed.push_back(a);
        ids.push_back(suite.add(std::string(a->name), [&x, n, settings, f] {
            do_not_optimize(f(x.data(), n, settings));
        }));
    }
    suite.run();

    const Timing anchor = suite.timing(ids[0]);
    const double bytes = static_cast<double>(n * sizeof(T));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const k::CpuReduceKernel& a = *timed[i];
        const std::string name(a.name);
        const Timing t = suite.timing(ids[i]);
        char label[96], measured[128];
        std::snprintf(label, sizeof label, "%s %s sum n=2^%d threads=%d", name.c_str(),
                      dtype_name<T>(), options.log2_n, a.uses_threads ? threads : 1);
        std::snprintf(measured, sizeof measured, "%s  %.1f GB/s", format_timing(t).c_str(),
                      gigabytes_per_second(bytes, t.min_s));
        // Issue 12's targets for the order-independent sum against the fixed-order one: f32 at
        // most 1.3x on the scenarios' 2 threads and 1.5x on one, f64 at most 1.5x on 2 threads;
        // other lines are for information.
        std::optional<Target> target;
        if (name == "reproducible" && (sizeof(T) == 4 || threads == k_threads))
            target =
                Target{Target::Kind::at_most, sizeof(T) == 4 && threads == k_threads ? 1.3 : 1.5};
        // Issue 13: the correctly rounded sum costs at most 3x the fixed-order one at 2 threads.
        if (name == "exact" && threads == k_threads) target = Target{Target::Kind::at_most, 3.0};
        board.line(label, measured, "ratio to anchor 'blocked'", t.min_s / anchor.min_s, target);
    }
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv, "every reduce algorithm vs blocked");
    print_header("bench_reduce: CPU sums, ratios to the `blocked` sum in the same process",
                 options);
    std::printf(
        "input: uniform in (-1, 1], n=2^%d; schedule static; ratio = time / time of blocked "
        "(same dtype, same thread count)\n",
        options.log2_n);
    Scoreboard board;
    std::printf("-- f32, %d threads --\n", k_threads);
    run_dtype<float>(options, board, k_threads, true);
    std::printf("-- f64, %d threads --\n", k_threads);
    run_dtype<double>(options, board, k_threads, true);
    // One thread isolates compute cost from memory bandwidth (two threads may share one limit).
    std::printf("-- f32, 1 thread --\n");
    run_dtype<float>(options, board, 1, false);
    std::printf("-- f64, 1 thread (information) --\n");
    run_dtype<double>(options, board, 1, false);
    return board.finish("bench_reduce");
}
