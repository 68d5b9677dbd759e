// Cost of the runner's per-run work on a 256 MiB f32 output (digest, compare with the reference)
// against the single-core memory read bandwidth measured in the same process.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "bench_harness.hpp"
#include "common/buffer.hpp"
#include "compare/diff_stats.hpp"
#include "compare/digest.hpp"
#include "compare/digest_compare.hpp"
#include "kernels/common/philox.hpp"
#include "kernels/cpu/rng_cpu.hpp"
#include "kernels/cpu/vector_clones.hpp"

namespace {

using namespace detaudit;
using namespace detaudit::bench;

// The anchor: a 16-lane float sum, compiled for the host's vector width, that does nothing but
// stream the bytes in. Sixteen independent lanes keep it memory-bound rather than latency-bound
// (the flags forbid re-association, so one accumulator would be a serial chain). It starts at a
// 64-byte boundary because Buffer's storage is only 16-byte aligned and 64-byte loads that straddle
// cache lines cost ~20 % of the bandwidth here: the anchor should be the best one core reaches.
DETAUDIT_VECTOR_CLONES float read_sum(const float* x, std::size_t n) {
    const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(x) % 64;
    const std::size_t head = std::min(n, (64 - misalignment) % 64 / sizeof(float));
    float lane[16] = {};
    for (std::size_t i = 0; i < head; ++i)
        lane[i] += x[i];
    const auto* aligned = static_cast<const float*>(__builtin_assume_aligned(x + head, 64));
    const std::size_t body = n - head;
    std::size_t i = 0;
    for (; i + 16 <= body; i += 16)
        for (std::size_t l = 0; l < 16; ++l)
            lane[l] += aligned[i + l];
    for (; i < body; ++i)
        lane[0] += aligned[i];
    float s = 0;
    for (float v : lane)
        s += v;
    return s;
}

// Moves element i of `b` by 1 to 3 ULP when a Philox draw says so, with probability `fraction`.
// Scattered differences are the hard case: every 16 KiB scan chunk holds some.
std::size_t perturb(Buffer& b, double fraction, uint64_t seed) {
    float* x = b.as<float>();
    const auto threshold = static_cast<uint32_t>(fraction * 4294967296.0 - 1.0);
    std::size_t changed = 0;
    for (std::size_t i = 0; i < b.elements(); ++i) {
        const uint32_t w = kernels::philox_word(seed, i);
        if (fraction < 1.0 && w > threshold) continue;
        float v = x[i];
        for (uint32_t k = 0; k <= (w & 1) + ((w >> 1) & 1); ++k)
            v = std::nextafter(v, 2.0f);
        x[i] = v;
        ++changed;
    }
    return changed;
}

std::string throughput_text(const Timing& t, double output_bytes, double read_bytes) {
    char text[160];
    std::snprintf(text, sizeof text, "%s  output %.1f GB/s, read %.1f GB/s",
                  format_timing(t).c_str(), gigabytes_per_second(output_bytes, t.min_s),
                  gigabytes_per_second(read_bytes, t.min_s));
    return text;
}

} // namespace

int main(int argc, char** argv) {
    Options options = parse_options(argc, argv, "digest and compare vs memory read bandwidth");
    print_header("bench_digest_compare: digest + compare of one run's output", options);

    const std::size_t n = std::size_t(1) << options.log2_n;
    const Buffer reference = [&] {
        Buffer b(DType::f32, {n});
        kernels::rng_philox<float>(kernels::Distribution::uniform, 42, b.as<float>(), n,
                                   kernels::CpuSettings{2, kernels::CpuSchedule::static_});
        return b;
    }();
    const Buffer same = reference.clone();
    Buffer one_percent = reference.clone();
    const std::size_t changed_1pct = perturb(one_percent, 0.01, 7);
    Buffer all_differ = reference.clone();
    perturb(all_differ, 1.0, 7);

    const double buffer_bytes = static_cast<double>(reference.size_bytes());
    std::printf(
        "buffer: f32 n=2^%d (%.0f MiB, storage address mod 64 = %zu); 1%% case: %zu elements"
        " differ by 1-3 ULP\n",
        options.log2_n, buffer_bytes / 1048576.0,
        static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(reference.data()) % 64),
        changed_1pct);
    std::printf(
        "throughput: 'output' = one buffer's bytes / time; 'read' = bytes the step must read"
        " / time\n"
        "  (digest: 1 buffer; compare: 2; digest + compare: 2, the new output being the same"
        " bytes both times:\n"
        "  digest_and_compare reads it once, the two-pass form streams it from memory twice).\n"
        "targets (issue 12): read >= 0.50 x the anchor's bytes/s for (a) and (b), 0.90 for the"
        " runner's step (c),\n  0.70 with 1%% differing (d), 0.25 with every element differing"
        " (e). Every case runs on one thread, as the runner does.\n");

    Suite suite(options.repeats);
    DiffStats sink_stats;
    std::string sink_digest;
    const auto anchor =
        suite.add("read", [&] { do_not_optimize(read_sum(reference.as<float>(), n)); });
    const auto memcmp_id = suite.add("memcmp", [&] {
        do_not_optimize(std::memcmp(reference.data(), same.data(), reference.size_bytes()));
    });
    const auto digest_id = suite.add("digest", [&] { sink_digest = digest_bytes(same.bytes()); });
    const auto compare_id =
        suite.add("compare", [&] { sink_stats = compare_buffers(reference, same); });
    const auto two_pass_id = suite.add("digest, then compare", [&] {
        sink_digest = digest_bytes(same.bytes());
        sink_stats = compare_buffers(reference, same);
    });
    const auto both_id = suite.add("digest_and_compare", [&] {
        DigestedComparison step = digest_and_compare(reference, same);
        sink_digest = std::move(step.digest);
        sink_stats = step.diff;
    });
    const auto diff1_id =
        suite.add("compare 1%", [&] { sink_stats = compare_buffers(reference, one_percent); });
    const auto diff100_id =
        suite.add("compare 100%", [&] { sink_stats = compare_buffers(reference, all_differ); });
    suite.run();
    do_not_optimize(sink_stats);
    do_not_optimize(sink_digest);

    Scoreboard board;
    const Timing anchor_t = suite.timing(anchor);
    const double bandwidth = buffer_bytes / anchor_t.min_s;
    std::printf(
        "anchor 'read bandwidth' (16-lane float sum of the buffer, 1 thread): %s  %.1f GB/s\n",
        format_timing(anchor_t).c_str(), bandwidth / 1e9);
    const char* ratio_name = "fraction of anchor 'read bandwidth'";
    struct Row {
        const char* label;
        std::size_t id;
        double read_buffers;
        double target; // 0: information only
    };
    const Row rows[] = {
        {"memcmp of two identical buffers (information: compare's identical-data floor)", memcmp_id,
         2, 0},
        {"(a) digest of one buffer", digest_id, 1, 0.50},
        {"(b) compare of two identical buffers", compare_id, 2, 0.50},
        {"(c) digest_and_compare: new output digested + compared in one pass", both_id, 2, 0.90},
        {"    digest, then compare: two passes (information: the step before issue 12)",
         two_pass_id, 2, 0},
        {"(d) compare, ~1% of elements differ", diff1_id, 2, 0.70},
        {"(e) compare, every element differs", diff100_id, 2, 0.25},
    };
    for (const Row& row : rows) {
        const Timing t = suite.timing(row.id);
        const double read_bytes = row.read_buffers * buffer_bytes;
        board.line(row.label, throughput_text(t, buffer_bytes, read_bytes), ratio_name,
                   read_bytes / t.min_s / bandwidth,
                   row.target > 0 ? std::optional<Target>(Target{Target::Kind::at_least, row.target})
                                  : std::nullopt);
    }
    return board.finish("bench_digest_compare");
}
