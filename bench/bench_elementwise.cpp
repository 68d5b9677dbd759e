// The `elementwise` libm kernel (exp, log, sin; f32, n = 2^24) against a plain loop calling the
// same float function, measured in the same process: the kernel's dispatch and OpenMP overhead.
#include <cmath>
#include <cstdio>
#include <vector>

#include "bench_harness.hpp"
#include "kernels/cpu/elementwise_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"

namespace {

using namespace detaudit::bench;
namespace k = detaudit::kernels;

constexpr int k_log2_n = 24; // the size; --log2n overrides it

// The same libm entry points the kernel reaches through elementwise_math (std::exp(float) is
// expf): the anchor then differs from the kernel only by the kernel's own overhead.
float call_exp(float x) {
    return std::exp(x);
}
float call_log(float x) {
    return std::log(x);
}
float call_sin(float x) {
    return std::sin(x);
}

// The plain loop a user would write, with the function fixed at compile time so it calls expf
// (logf, sinf) directly, as the kernel does. It stores to memory the caller reads afterwards
// (the outputs are compared), and the caller's do_not_optimize clobbers memory, so the compiler
// can drop neither the stores nor the calls.
template <float (*Library)(float)> void plain_loop(const float* x, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = Library(x[i]);
}

struct Function {
    k::ElementwiseFunction f;
    void (*anchor)(const float*, float*, std::size_t);
    float low, high; // input range: where each function does its usual work (no special cases)
};

const Function k_functions[] = {
    {k::ElementwiseFunction::exp, plain_loop<call_exp>, -10.0f, 10.0f},
    {k::ElementwiseFunction::log, plain_loop<call_log>, 1e-3f, 1e3f},
    {k::ElementwiseFunction::sin, plain_loop<call_sin>, -100.0f, 100.0f},
};

std::vector<float> make_input(std::size_t n, float low, float high) {
    std::vector<float> x(n);
    k::rng_philox<float>(k::Distribution::uniform, 42, x.data(), n, k::CpuSettings{1});
    for (float& v : x)
        v = low + (high - low) * v;
    return x;
}

void run_function(const Options& options, Scoreboard& board, const Function& fn) {
    const std::size_t n = std::size_t(1) << options.log2_n;
    const std::vector<float> x = make_input(n, fn.low, fn.high);
    std::vector<float> out_anchor(n), out_1(n), out_2(n);
    const k::CpuSettings one{1, k::CpuSchedule::static_}, two{2, k::CpuSchedule::static_};

    Suite suite(options.repeats);
    const std::size_t id_anchor = suite.add("plain loop", [&] {
        fn.anchor(x.data(), out_anchor.data(), n);
        do_not_optimize(out_anchor[n / 2]);
    });
    const std::size_t id_1 = suite.add("libm 1 thread", [&] {
        k::elementwise_libm<float>(fn.f, x.data(), nullptr, out_1.data(), n, one);
        do_not_optimize(out_1[n / 2]);
    });
    const std::size_t id_2 = suite.add("libm 2 threads", [&] {
        k::elementwise_libm<float>(fn.f, x.data(), nullptr, out_2.data(), n, two);
        do_not_optimize(out_2[n / 2]);
    });
    suite.run();

    const std::string_view name = k::elementwise_function_name(fn.f);
    // A ratio is only meaningful if both loops computed the same thing (same calls, same bits).
    if (out_anchor != out_1 || out_anchor != out_2)
        std::printf("ERROR: kernel and plain loop outputs differ for %.*s\n",
                    static_cast<int>(name.size()), name.data());

    const Timing a = suite.timing(id_anchor);
    const auto print = [&](const char* what, int threads, const Timing& t,
                           std::optional<Target> target) {
        char label[96], measured[128];
        std::snprintf(label, sizeof label, "%s %.*s f32 n=2^%d threads=%d", what,
                      static_cast<int>(name.size()), name.data(), options.log2_n, threads);
        std::snprintf(measured, sizeof measured, "%s  %.2f ns/element", format_timing(t).c_str(),
                      t.min_s * 1e9 / static_cast<double>(n));
        board.line(label, measured, "ratio to anchor 'plain loop'", t.min_s / a.min_s, target);
    };
    print("plain loop", 1, a, std::nullopt);
    // The target: at most 1.5x the plain loop on one thread. Two threads are for
    // information (on a shared 2-core machine they measure the neighbours as much as the kernel).
    print("libm", 1, suite.timing(id_1), Target{Target::Kind::at_most, 1.5});
    print("libm", 2, suite.timing(id_2), std::nullopt);
}

} // namespace

int main(int argc, char** argv) {
    Options options = parse_options(argc, argv, "elementwise libm vs a plain loop over libm");
    // The harness defaults to 2^26; this benchmark's size is 2^24 unless --log2n says otherwise.
    bool size_given = false;
    for (int i = 1; i < argc; ++i)
        size_given = size_given || std::string_view(argv[i]) == "--log2n";
    if (!size_given) options.log2_n = k_log2_n;

    print_header("bench_elementwise: CPU elementwise libm, ratios to a plain loop in the same "
                 "process",
                 options);
    std::printf("ratio = time / time of a plain single-thread loop calling the same float libm "
                "function on the same input\n");
    Scoreboard board;
    for (const Function& fn : k_functions) {
        const std::string_view name = k::elementwise_function_name(fn.f);
        std::printf("-- %.*s: inputs uniform in [%g, %g] --\n", static_cast<int>(name.size()),
                    name.data(), static_cast<double>(fn.low), static_cast<double>(fn.high));
        run_function(options, board, fn);
    }
    return board.finish("bench_elementwise");
}
