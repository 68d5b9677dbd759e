// Accuracy references (issue 13): the 1024^3 f32 matmul reference (exactly rounded dot products,
// threads over rows) against the `naive` op it is a reference for, and the exact sum of 2^24
// values against the `blocked` sum; both measured in the same process.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "audit/exact_reference.hpp"
#include "bench_harness.hpp"
#include "kernels/cpu/matmul_cpu.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "kernels/cpu/rng_cpu.hpp"

namespace {

using namespace detaudit::bench;
namespace k = detaudit::kernels;

detaudit::Buffer uniform_buffer(std::vector<std::size_t> shape, uint64_t seed) {
    detaudit::Buffer b(detaudit::DType::f32, std::move(shape));
    k::rng_philox<float>(k::Distribution::uniform, seed, b.as<float>(), b.elements(), k::CpuSettings{2});
    for (std::size_t i = 0; i < b.elements(); ++i) b.as<float>()[i] = b.as<float>()[i] * 2.0f - 1.0f;
    return b;
}

detaudit::OpSpec op_of(const char* kind, nlohmann::json params) {
    detaudit::OpSpec op;
    op.kind = kind;
    op.params = std::move(params);
    return op;
}

} // namespace

int main(int argc, char** argv) {
    Options options = parse_options(argc, argv, "accuracy references vs the ops they are references for");
    options.repeats = std::min(options.repeats, 2); // seconds per case
    print_header("bench_accuracy: accuracy references, ratios to the op measured in the same process", options);
    Scoreboard board;

    const std::size_t dim = 1024;
    detaudit::OpInputs mm;
    mm.buffers.push_back(uniform_buffer({dim, dim}, 1));
    mm.buffers.push_back(uniform_buffer({dim, dim}, 2));
    const auto mm_op = op_of("matmul", {{"m", dim}, {"n", dim}, {"k", dim}, {"dtype", "f32"}});
    std::vector<float> c(dim * dim);
    Suite mm_suite(options.repeats);
    const auto naive = mm_suite.add("naive", [&] {
        k::matmul_naive(mm.buffers[0].as<float>(), mm.buffers[1].as<float>(), c.data(), dim, dim, dim);
        do_not_optimize(c[0]);
    });
    const auto reference = mm_suite.add("reference", [&] { do_not_optimize(detaudit::exact_reference(mm_op, mm).as<float>()[0]); });
    mm_suite.run();
    const Timing anchor = mm_suite.timing(naive), ref = mm_suite.timing(reference);
    std::printf("matmul f32 1024^3: naive (1 thread) %s; reference (OpenMP default threads, %u here)\n",
                format_timing(anchor).c_str(), std::thread::hardware_concurrency());
    board.line("matmul reference (exact dot products) 1024^3 f32", format_timing(ref), "ratio to anchor 'naive'",
               ref.min_s / anchor.min_s, Target{Target::Kind::at_most, 10.0});

    const std::size_t n = std::size_t(1) << 24;
    detaudit::OpInputs sum;
    sum.buffers.push_back(uniform_buffer({n}, 3));
    const auto sum_op = op_of("reduce", {{"n", n}, {"dtype", "f32"}});
    Suite sum_suite(options.repeats);
    const auto blocked = sum_suite.add("blocked", [&] {
        do_not_optimize(k::reduce_blocked(sum.buffers[0].as<float>(), n, k::CpuSettings{2}));
    });
    const auto exact = sum_suite.add("reference", [&] { do_not_optimize(detaudit::exact_reference(sum_op, sum).as<float>()[0]); });
    sum_suite.run();
    const Timing sum_anchor = sum_suite.timing(blocked), sum_ref = sum_suite.timing(exact);
    board.line("reduce reference (exact sum, one thread, element-wise buckets) n=2^24 f32", format_timing(sum_ref),
               "ratio to anchor 'blocked' (2 threads)", sum_ref.min_s / sum_anchor.min_s);
    return board.finish("bench_accuracy");
}
