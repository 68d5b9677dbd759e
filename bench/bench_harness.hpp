// Shared harness for detaudit's benchmarks: min-of-N wall-clock timing with a warm-up round, and
// one printed line per measurement giving its ratio to an anchor measured in the same process.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace detaudit::bench {

struct Options {
    int repeats = 7; // timed rounds; each case keeps its fastest (min is the least noisy statistic)
    int log2_n = 26; // problem size as a power of two, for benchmarks that take one
};

// `--repeats N` and `--log2n N`; `--help` prints usage and exits 0, anything else exits 2.
inline Options parse_options(int argc, char** argv, std::string_view what) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--repeats" || arg == "--log2n") && i + 1 < argc) {
            const int value = std::atoi(argv[++i]);
            if (value < 1 || (arg == "--log2n" && value > 32)) {
                std::fprintf(stderr, "%s: bad value for %s\n", argv[0], arg.data());
                std::exit(2);
            }
            (arg == "--repeats" ? o.repeats : o.log2_n) = value;
            continue;
        }
        const bool help = arg == "--help" || arg == "-h";
        std::fprintf(help ? stdout : stderr,
                     "%s: %.*s\nusage: %s [--repeats N (default %d)] [--log2n N (default %d)]\n",
                     argv[0], static_cast<int>(what.size()), what.data(), argv[0], o.repeats,
                     o.log2_n);
        std::exit(help ? 0 : 2);
    }
    return o;
}

// Keeps a result alive so the compiler cannot drop the computation that produced it.
template <typename T> inline void do_not_optimize(const T& value) {
    asm volatile("" : : "r,m"(value) : "memory");
}

inline double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Timing {
    double min_s = 0;    // fastest round: the figure every ratio uses
    double median_s = 0; // printed alongside so noise is visible
    double cpu_s = 0;    // process CPU time of the fastest round (cpu_s / min_s ~ busy threads)
};

// Runs every case once per round (a warm-up round first, untimed), so the anchor and the cases
// compared with it see the same background load: the machine is shared, and min-of-N over
// interleaved rounds is fairer than timing each case in its own burst.
class Suite {
  public:
    explicit Suite(int repeats) : m_repeats(repeats) {}

    // Returns the id to ask timing() for.
    std::size_t add(std::string name, std::function<void()> fn) {
        m_cases.push_back({std::move(name), std::move(fn), {}, {}});
        return m_cases.size() - 1;
    }

    void run() {
        for (Case& c : m_cases)
            c.fn(); // warm-up: page faults, caches, OpenMP thread start
        for (int r = 0; r < m_repeats; ++r) {
            for (Case& c : m_cases) {
                const double cpu0 = process_cpu_seconds();
                const auto t0 = std::chrono::steady_clock::now();
                c.fn();
                const auto t1 = std::chrono::steady_clock::now();
                const double cpu1 = process_cpu_seconds();
                c.wall.push_back(std::chrono::duration<double>(t1 - t0).count());
                c.cpu.push_back(cpu1 - cpu0);
            }
        }
    }

    Timing timing(std::size_t id) const {
        const Case& c = m_cases.at(id);
        Timing t;
        const auto fastest = std::min_element(c.wall.begin(), c.wall.end());
        t.min_s = *fastest;
        t.cpu_s = c.cpu[static_cast<std::size_t>(fastest - c.wall.begin())];
        std::vector<double> sorted = c.wall;
        std::sort(sorted.begin(), sorted.end());
        t.median_s = sorted[sorted.size() / 2];
        return t;
    }

  private:
    struct Case {
        std::string name;
        std::function<void()> fn;
        std::vector<double> wall, cpu;
    };
    int m_repeats;
    std::vector<Case> m_cases;
};

// A target on a ratio: "<= 2.00" (a slowdown bound) or ">= 0.50" (a fraction or speed-up floor).
struct Target {
    enum class Kind { at_most, at_least };
    Kind kind;
    double value;
    bool holds(double ratio) const {
        return kind == Kind::at_most ? ratio <= value : ratio >= value;
    }
};

// Counts PASS/MISS over a program so its last line can summarise them.
class Scoreboard {
  public:
    // `label: <measured>  <ratio_name> = 1.84 (target <= 2.00) PASS`, or no target part when the
    // line is for information only.
    void line(std::string_view label, std::string_view measured, std::string_view ratio_name,
              double ratio, std::optional<Target> target = std::nullopt) {
        std::printf("%.*s: %.*s  %.*s = %.2f", static_cast<int>(label.size()), label.data(),
                    static_cast<int>(measured.size()), measured.data(),
                    static_cast<int>(ratio_name.size()), ratio_name.data(), ratio);
        if (target) {
            const bool pass = target->holds(ratio);
            (pass ? m_pass : m_miss) += 1;
            std::printf(" (target %s %.2f) %s",
                        target->kind == Target::Kind::at_most ? "<=" : ">=", target->value,
                        pass ? "PASS" : "MISS");
        }
        std::printf("\n");
        std::fflush(stdout);
    }

    // Benchmarks are not tests: the exit code is 0 whatever the targets say.
    int finish(std::string_view program) const {
        std::printf("%.*s: %d target(s) PASS, %d MISS\n", static_cast<int>(program.size()),
                    program.data(), m_pass, m_miss);
        return 0;
    }

  private:
    int m_pass = 0, m_miss = 0;
};

// "21.3 ms (median 22.0 ms)"
inline std::string format_timing(const Timing& t) {
    char text[96];
    std::snprintf(text, sizeof text, "%.1f ms (median %.1f ms)", t.min_s * 1e3, t.median_s * 1e3);
    return text;
}

inline double gigabytes_per_second(double bytes, double seconds) {
    return bytes / seconds / 1e9;
}

inline std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(colon + 2);
        }
    }
    return "unknown CPU";
}

// First lines of every program: what ran where, so pasted figures carry their context.
inline void print_header(std::string_view title, const Options& o) {
    std::printf("== %.*s ==\n", static_cast<int>(title.size()), title.data());
    std::printf("cpu: %s, %u hardware threads; min of %d timed rounds after 1 warm-up round\n",
                cpu_model().c_str(), std::thread::hardware_concurrency(), o.repeats);
#if defined(__GNUC__) && !defined(__clang__)
    std::printf("compiler: GCC %d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#elif defined(__clang__)
    std::printf("compiler: clang %d.%d.%d", __clang_major__, __clang_minor__, __clang_patchlevel__);
#endif
#if !defined(DETAUDIT_BENCH_BUILD)
#define DETAUDIT_BENCH_BUILD "flags not recorded"
#endif
#if defined(__OPTIMIZE__)
    std::printf(", build %s\n", DETAUDIT_BENCH_BUILD);
#else
    std::printf(", build %s: UNOPTIMISED, figures are meaningless\n", DETAUDIT_BENCH_BUILD);
#endif
}

} // namespace detaudit::bench
