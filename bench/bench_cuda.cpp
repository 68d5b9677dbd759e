// GPU benchmarks: the cuda backend's cells (CudaDevice, timed by CUDA events around the op, as in
// a real run) against anchors measured in the same process: device-to-device copy bandwidth for
// the reductions and philox, a bare cublasSgemm for the cublas cells, cub for reproducible.
// Without a usable device it says so and exits 0 (nothing is measured).
#include <cstdio>
#include <vector>
#include "bench_harness.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#include "kernels/cuda/cuda_kernels.hpp"

namespace k = detaudit::kernels;
using namespace detaudit::bench;

namespace {

// Fastest of `repeats` runs (after one warm-up) of a prepared op, in event seconds.
double best_run(k::CudaDevice& device, const k::CudaOp& op, void* out, std::size_t out_bytes, int repeats) {
    const k::CudaLaunch launch;
    device.run(op, launch, out, out_bytes);
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) best = std::min(best, device.run(op, launch, out, out_bytes));
    return best;
}

std::string seconds_text(double s) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f ms", s * 1e3);
    return text;
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv, "cuda backend cells vs copy bandwidth, cublasSgemm and cub");
    print_header("bench_cuda: GPU cells, ratios against anchors in the same process", options);
    const k::CudaProbeResult probe = k::cuda_probe();
    if (!probe.available) {
        std::printf("bench_cuda: no usable CUDA device (%s): nothing measured\n", probe.reason.c_str());
        return 0;
    }
    std::printf("gpu: %s, %d SMs, memory clock %d kHz, bus %d bits\n", probe.device_name.c_str(), probe.sm_count,
                probe.memory_clock_khz, probe.memory_bus_bits);
    try {
        Scoreboard board;
        k::CudaDevice device;
        const std::size_t n = std::size_t(1) << options.log2_n;
        const std::size_t bytes = n * sizeof(float);
        std::vector<float> x(n);
        k::rng_philox<float>(k::Distribution::uniform, 7, x.data(), n, k::CpuSettings{2, k::CpuSchedule::static_});
        const double copy_s = k::anchor_copy_seconds(bytes, options.repeats);
        const double copy_bw = 2.0 * static_cast<double>(bytes) / copy_s; // read + write
        std::printf("anchor 'copy' (cudaMemcpy device to device, %.0f MiB): %s, %.1f GB/s (read + write)\n",
                    static_cast<double>(bytes) / 1048576.0, seconds_text(copy_s).c_str(), copy_bw / 1e9);

        float scalar = 0;
        double cub_s = 0;
        std::vector<std::pair<std::string, double>> reduce_times;
        for (const char* algorithm : {"cub", "atomic", "tree", "blocked", "reproducible"}) {
            k::CudaOp op;
            op.kind = k::CudaKind::reduce;
            op.algorithm = algorithm;
            op.n = n;
            device.prepare(op, {{x.data(), bytes}}, sizeof(float), 1);
            const double t = best_run(device, op, &scalar, sizeof(float), options.repeats);
            if (op.algorithm == "cub") cub_s = t;
            const double ratio = static_cast<double>(bytes) / t / copy_bw;
            const bool gated = op.algorithm == "cub" || op.algorithm == "atomic" || op.algorithm == "tree";
            board.line("reduce/" + op.algorithm + " f32 n=2^" + std::to_string(options.log2_n), seconds_text(t),
                       "fraction of anchor 'copy' bandwidth", ratio,
                       gated ? std::optional<Target>(Target{Target::Kind::at_least, 0.70}) : std::nullopt);
            if (op.algorithm == "reproducible")
                board.line("reduce/reproducible f32 n=2^" + std::to_string(options.log2_n), seconds_text(t),
                           "slowdown over 'reduce/cub'", t / cub_s, Target{Target::Kind::at_most, 1.5});
        }

        {
            k::CudaOp op;
            op.kind = k::CudaKind::rng;
            op.algorithm = "philox";
            op.n = n;
            op.seed = 7;
            device.prepare(op, {}, bytes, 1);
            const double t = best_run(device, op, x.data(), bytes, options.repeats);
            board.line("rng/philox f32 uniform n=2^" + std::to_string(options.log2_n), seconds_text(t),
                       "fraction of anchor 'copy' bandwidth (writes)", static_cast<double>(bytes) / t / copy_bw,
                       Target{Target::Kind::at_least, 0.50});
        }

        {
            const int dim = 4096;
            const double anchor = k::anchor_sgemm_seconds(dim, dim, dim, options.repeats);
            std::printf("anchor 'cublasSgemm' (%d^3 f32, default math): %s, %.1f TFLOP/s\n", dim, seconds_text(anchor).c_str(),
                        2.0 * dim * dim * static_cast<double>(dim) / anchor / 1e12);
            std::vector<float> a(std::size_t(dim) * dim, 0.5f), c(std::size_t(dim) * dim);
            for (const auto math : {k::CublasMath::default_math, k::CublasMath::pedantic, k::CublasMath::tf32}) {
                k::CudaOp op;
                op.kind = k::CudaKind::matmul;
                op.algorithm = "cublas";
                op.m = op.n = op.k = dim;
                op.math = math;
                const std::size_t mat = a.size() * sizeof(float);
                device.prepare(op, {{a.data(), mat}, {a.data(), mat}}, mat, 1);
                const double t = best_run(device, op, c.data(), mat, options.repeats);
                const char* name = math == k::CublasMath::default_math ? "default" : math == k::CublasMath::pedantic ? "pedantic" : "tf32";
                board.line(std::string("matmul/cublas math=") + name + " 4096^3", seconds_text(t), "slowdown over anchor 'cublasSgemm'",
                           t / anchor,
                           math == k::CublasMath::default_math ? std::optional<Target>(Target{Target::Kind::at_most, 1.05})
                                                               : std::nullopt);
            }
        }
        return board.finish("bench_cuda");
    } catch (const k::CudaFailure& e) {
        std::printf("bench_cuda: %s\n", e.what());
        return 1;
    }
}
