// Every CPU `reduce` algorithm, f32 and f64, at n = 2^26 on 2 threads, as ratios to `blocked`
// (the fixed-order parallel sum) measured in the same process; also the bytes/s each achieves.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_harness.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"

namespace {

using namespace detaudit::bench;
namespace k = detaudit::kernels;

constexpr int k_threads = 2;

struct Algorithm {
    const char* name;
    bool parallel; // sequential, pairwise and kahan have no thread count: they run on one thread
    float (*f32)(const float*, std::size_t, const k::CpuSettings&);
    double (*f64)(const double*, std::size_t, const k::CpuSettings&);
};

// The serial algorithms take no settings; these adapters give every algorithm one signature.
template <typename T, T (*F)(const T*, std::size_t)>
T serial(const T* x, std::size_t n, const k::CpuSettings&) {
    return F(x, n);
}

const Algorithm k_algorithms[] = {
    {"blocked", true, k::reduce_blocked<float>, k::reduce_blocked<double>}, // the anchor: first
    {"sequential", false, serial<float, k::reduce_sequential<float>>,
     serial<double, k::reduce_sequential<double>>},
    {"pairwise", false, serial<float, k::reduce_pairwise<float>>,
     serial<double, k::reduce_pairwise<double>>},
    {"kahan", false, serial<float, k::reduce_kahan<float>>,
     serial<double, k::reduce_kahan<double>>},
    {"per_thread", true, k::reduce_per_thread<float>, k::reduce_per_thread<double>},
    {"atomic", true, k::reduce_atomic<float>, k::reduce_atomic<double>},
    {"reproducible", true, k::reduce_reproducible<float>, k::reduce_reproducible<double>},
    {"exact", true, k::reduce_exact<float>, k::reduce_exact<double>},
};

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

template <typename T> auto pick(const Algorithm& a) {
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
    std::vector<const Algorithm*> timed;
    std::vector<std::size_t> ids;
    for (const Algorithm& a : k_algorithms) {
        if (!a.parallel && !serial_too) continue;
        const auto f = pick<T>(a);
        timed.push_back(&a);
        ids.push_back(
            suite.add(a.name, [&x, n, settings, f] { do_not_optimize(f(x.data(), n, settings)); }));
    }
    suite.run();

    const Timing anchor = suite.timing(ids[0]);
    const double bytes = static_cast<double>(n * sizeof(T));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const Algorithm& a = *timed[i];
        const Timing t = suite.timing(ids[i]);
        char label[96], measured[128];
        std::snprintf(label, sizeof label, "%s %s sum n=2^%d threads=%d", a.name, dtype_name<T>(),
                      options.log2_n, a.parallel ? threads : 1);
        std::snprintf(measured, sizeof measured, "%s  %.1f GB/s", format_timing(t).c_str(),
                      gigabytes_per_second(bytes, t.min_s));
        // Issue 12's targets for the order-independent sum against the fixed-order one: f32 at
        // most 1.3x on the scenarios' 2 threads and 1.5x on one, f64 at most 1.5x on 2 threads;
        // other lines are for information.
        std::optional<Target> target;
        if (std::string(a.name) == "reproducible" && (sizeof(T) == 4 || threads == k_threads))
            target = Target{Target::Kind::at_most,
                            sizeof(T) == 4 && threads == k_threads ? 1.3 : 1.5};
        // Issue 13: the correctly rounded sum costs at most 3x the fixed-order one at 2 threads.
        if (std::string(a.name) == "exact" && threads == k_threads)
            target = Target{Target::Kind::at_most, 3.0};
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
