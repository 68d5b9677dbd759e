// Every CPU `scatter_add` algorithm at n = 2^24 values into 2^16 bins, f32, 2 threads (and 1, for
// information), uniform and hot index, as ratios to `atomic` (unordered CAS adds) in the same run.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_harness.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#include "kernels/cpu/scatter_cpu.hpp"

namespace {

using namespace detaudit::bench;
namespace k = detaudit::kernels;

constexpr int k_threads = 2;
constexpr int k_default_log2_n = 24; // the harness defaults to 2^26; scatter's figures are at 2^24
constexpr int k_log2_bins = 16;
constexpr std::size_t k_nbins = std::size_t(1) << k_log2_bins;
constexpr std::size_t k_hot_bins = 16;
constexpr double k_hot_fraction = 0.9;

using ScatterFn = void (*)(const float*, const int64_t*, std::size_t, float*, std::size_t,
                           const k::CpuSettings&);

struct Algorithm {
    const char* name;
    ScatterFn f32;
    double target; // at most this many times atomic on the uniform index; 0: information only
};

const Algorithm k_algorithms[] = {
    {"atomic", k::scatter_add_atomic<float>, 0}, // the anchor: first
    {"per_thread", k::scatter_add_per_thread<float>, 0},
    {"sorted", k::scatter_add_sorted<float>, 4.0},
    {"reproducible", k::scatter_add_reproducible<float>, 3.0},
};

// SplitMix64: a cheap, well-mixed hash of the position, so the index needs no generator state.
uint64_t mix(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Uniform over the bins, or `hot`: k_hot_fraction of the indices in the first k_hot_bins bins
// (the contended case), the rest uniform over all bins — the catalog's `hot` distribution.
std::vector<int64_t> make_index(std::size_t n, std::size_t nbins, bool hot) {
    std::vector<int64_t> index(n);
    const auto hot_threshold = static_cast<uint64_t>(k_hot_fraction * 4294967296.0);
    for (std::size_t i = 0; i < n; ++i) {
        const uint64_t h = mix(i);
        const bool in_hot = hot && (h & 0xffffffffull) < hot_threshold;
        index[i] = static_cast<int64_t>((h >> 32) % (in_hot ? k_hot_bins : nbins));
    }
    return index;
}

// Times every algorithm on `threads` threads (interleaved rounds), then prints ratios to atomic.
void run_index(const Options& options, Scoreboard& board, const std::vector<float>& values, bool hot, int threads) {
    const std::size_t n = values.size();
    const std::vector<int64_t> index = make_index(n, k_nbins, hot);
    const k::CpuSettings settings{threads, k::CpuSchedule::static_};
    std::vector<std::vector<float>> outputs(std::size(k_algorithms), std::vector<float>(k_nbins));
    Suite suite(options.repeats);
    std::vector<std::size_t> ids;
    for (std::size_t a = 0; a < std::size(k_algorithms); ++a) {
        const ScatterFn f = k_algorithms[a].f32;
        float* out = outputs[a].data();
        ids.push_back(suite.add(k_algorithms[a].name, [&values, &index, n, out, settings, f] {
            f(values.data(), index.data(), n, out, k_nbins, settings);
            do_not_optimize(out[0]);
        }));
    }
    suite.run();

    const Timing anchor = suite.timing(ids[0]);
    for (std::size_t a = 0; a < ids.size(); ++a) {
        const Algorithm& alg = k_algorithms[a];
        const Timing t = suite.timing(ids[a]);
        char label[128], measured[160];
        std::snprintf(label, sizeof label, "%s f32 scatter n=2^%d bins=2^%d %s threads=%d", alg.name,
                      options.log2_n, k_log2_bins, hot ? "hot" : "uniform", threads);
        std::snprintf(measured, sizeof measured, "%s  %.2f ns/value  cpu/wall %.2f", format_timing(t).c_str(),
                      t.min_s * 1e9 / static_cast<double>(n), t.cpu_s / t.min_s);
        std::optional<Target> target;
        if (alg.target > 0 && !hot && threads == k_threads) target = Target{Target::Kind::at_most, alg.target};
        board.line(label, measured, "ratio to anchor 'atomic'", t.min_s / anchor.min_s, target);
    }
}

} // namespace

int main(int argc, char** argv) {
    bool size_given = false;
    for (int i = 1; i < argc; ++i) size_given = size_given || std::strcmp(argv[i], "--log2n") == 0;
    Options options = parse_options(argc, argv, "every scatter_add algorithm vs atomic (default --log2n 24)");
    if (!size_given) options.log2_n = k_default_log2_n;
    print_header("bench_scatter: CPU scatter_add, ratios to the `atomic` scatter in the same process", options);
    const std::size_t n = std::size_t(1) << options.log2_n;
    std::printf("values: uniform in (-1, 1], n=2^%d, f32; bins=2^%d; schedule static; hot index = %.0f %% "
                "of indices in %zu bins; ratio = time / time of atomic (same index)\n",
                options.log2_n, k_log2_bins, k_hot_fraction * 100, k_hot_bins);
    std::vector<float> values(n);
    k::rng_philox<float>(k::Distribution::uniform, 42, values.data(), n, k::CpuSettings{k_threads});
    for (float& v : values) v = v * 2.0f - 1.0f;
    Scoreboard board;
    std::printf("-- uniform index, %d threads (targets) --\n", k_threads);
    run_index(options, board, values, false, k_threads);
    std::printf("-- hot index, %d threads (information: atomic contends on a few bins) --\n", k_threads);
    run_index(options, board, values, true, k_threads);
    // One thread measures the work itself: on a shared 2-core machine, 2-thread times also carry
    // waits for a core (cpu/wall well below 2).
    std::printf("-- uniform index, 1 thread (information) --\n");
    run_index(options, board, values, false, 1);
    return board.finish("bench_scatter");
}
