// The `philox` f32 uniform generator against std::mt19937 and (when the CUDA toolkit is present)
// cuRAND's host Philox generator, all measured in the same process; `shared_state` for reference.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench_harness.hpp"
#include "kernels/cpu/philox_uniform_simd.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#if DETAUDIT_BENCH_HAVE_CURAND
#include <curand.h>
#endif

namespace {

using namespace detaudit::bench;
namespace k = detaudit::kernels;

constexpr uint64_t k_seed = 42;

void mt19937_uniform(float* out, std::size_t n) {
    std::mt19937 engine(static_cast<std::mt19937::result_type>(k_seed));
    std::uniform_real_distribution<float> dist(0.0f, 1.0f);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = dist(engine);
}

#if DETAUDIT_BENCH_HAVE_CURAND
// One host generator for the whole program; each call re-seeds it, so every timed call computes
// the same numbers from scratch as rng_philox does (a pure function of the seed).
class CurandHost {
  public:
    CurandHost() {
        m_status = curandCreateGeneratorHost(&m_generator, CURAND_RNG_PSEUDO_PHILOX4_32_10);
    }
    ~CurandHost() {
        if (m_status == CURAND_STATUS_SUCCESS) curandDestroyGenerator(m_generator);
    }
    CurandHost(const CurandHost&) = delete;
    CurandHost& operator=(const CurandHost&) = delete;
    bool ok() const { return m_status == CURAND_STATUS_SUCCESS; }
    int status() const { return static_cast<int>(m_status); }
    bool generate(float* out, std::size_t n) {
        m_status = curandSetPseudoRandomGeneratorSeed(m_generator, k_seed);
        if (m_status == CURAND_STATUS_SUCCESS)
            m_status = curandGenerateUniform(m_generator, out, n);
        return ok();
    }

  private:
    curandGenerator_t m_generator{};
    curandStatus_t m_status = CURAND_STATUS_NOT_INITIALIZED;
};
#endif

std::string timing_text(const Timing& t, std::size_t n) {
    char text[160];
    std::snprintf(text, sizeof text, "%s  %.2f ns/value, cpu/wall %.2f", format_timing(t).c_str(),
                  t.min_s * 1e9 / static_cast<double>(n), t.cpu_s / t.min_s);
    return text;
}

} // namespace

int main(int argc, char** argv) {
    const Options options =
        parse_options(argc, argv, "philox vs mt19937 and cuRAND's host generator");
    print_header("bench_rng: f32 uniform generation, speed-ups over anchors in the same process",
                 options);
    const std::size_t n = std::size_t(1) << options.log2_n;
    std::vector<float> out(n);
    std::printf("n=2^%d f32 values (%.0f MiB written); speed-up = anchor time / philox time; "
                "cpu/wall ~ threads kept busy\n",
                options.log2_n, static_cast<double>(n * sizeof(float)) / 1048576.0);
    static const char* const isa_names[] = {"generic", "avx2", "avx512"};
    std::printf("philox f32 uniform kernel: %s\n",
                isa_names[static_cast<int>(k::philox_best_isa())]);

    Suite suite(options.repeats);
    const auto mt_id = suite.add("mt19937", [&] { mt19937_uniform(out.data(), n); });
#if DETAUDIT_BENCH_HAVE_CURAND
    CurandHost curand;
    std::size_t curand_id = 0;
    if (curand.ok()) curand_id = suite.add("curand", [&] { curand.generate(out.data(), n); });
#endif
    std::size_t philox_id[3], shared_id[3];
    for (int threads : {1, 2}) {
        const k::CpuSettings settings{threads, k::CpuSchedule::static_};
        philox_id[threads] = suite.add("philox", [&out, n, settings] {
            k::rng_philox<float>(k::Distribution::uniform, k_seed, out.data(), n, settings);
        });
        shared_id[threads] = suite.add("shared_state", [&out, n, settings] {
            k::rng_shared_state<float>(k::Distribution::uniform, k_seed, out.data(), n, settings);
        });
    }
    suite.run();

    Scoreboard board;
    const Timing mt = suite.timing(mt_id);
    std::printf(
        "anchor 'mt19937' (std::mt19937 + std::uniform_real_distribution<float>, 1 thread): "
        "%s\n",
        timing_text(mt, n).c_str());
    std::optional<Timing> cu;
#if DETAUDIT_BENCH_HAVE_CURAND
    if (curand.ok()) {
        cu = suite.timing(curand_id);
        int version = 0;
        curandGetVersion(&version);
        std::printf("anchor 'curand-host' (cuRAND %d curandCreateGeneratorHost PHILOX4_32_10 + "
                    "curandGenerateUniform): %s\n",
                    version, timing_text(*cu, n).c_str());
        std::printf("  cuRAND's host generator runs on the calling thread only (cpu/wall above ~ "
                    "1.00), so the 1-thread philox line is the like-for-like comparison.\n"
                    "  It is a speed anchor only: its generator interleaves subsequences (value "
                    "4k+j comes from subsequence k), so its values differ from philox's stream\n");
    } else {
        std::printf("anchor 'curand-host': unavailable (curandCreateGeneratorHost returned %d)\n",
                    curand.status());
    }
#else
    std::printf("anchor 'curand-host': not built (no CUDA toolkit: DETAUDIT_HAVE_CUDA is OFF)\n");
#endif

    for (int threads : {1, 2}) {
        const Timing p = suite.timing(philox_id[threads]);
        char label[64];
        std::snprintf(label, sizeof label, "philox f32 uniform n=2^%d threads=%d", options.log2_n,
                      threads);
        const bool gated = threads == 1; // the anchors are single-threaded
        board.line(label, timing_text(p, n), "speed-up over anchor 'mt19937'", mt.min_s / p.min_s,
                   gated ? std::optional<Target>(Target{Target::Kind::at_least, 2.0})
                         : std::nullopt);
        if (cu)
            board.line(
                label, timing_text(p, n), "speed-up over anchor 'curand-host'", cu->min_s / p.min_s,
                gated ? std::optional<Target>(Target{Target::Kind::at_least, 8.0}) : std::nullopt);
    }
    for (int threads : {1, 2}) {
        const Timing s = suite.timing(shared_id[threads]);
        char label[80];
        std::snprintf(label, sizeof label,
                      "shared_state f32 uniform n=2^%d threads=%d (information)", options.log2_n,
                      threads);
        board.line(label, timing_text(s, n), "time / philox time at the same thread count",
                   s.min_s / suite.timing(philox_id[threads]).min_s);
    }
    return board.finish("bench_rng");
}
