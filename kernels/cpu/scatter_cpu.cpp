// CPU scatter_add kernels (scatter_cpu.hpp): atomic, per_thread, sorted (each bin's values added
// in increasing i, bins shared out among threads) and reproducible (per-bin binned accumulators).
#include "scatter_cpu.hpp"
#include <algorithm>
#include <atomic>
#include <bit>
#include <memory>
#include <vector>
#include <omp.h>
#include "../common/binned_sum.hpp"
#include "vector_clones.hpp"

namespace detaudit::kernels {
namespace {

// Elements per schedule(runtime) iteration: dynamic/guided hand out iterations one at a time, and
// one dispatch per element would cost more than the add it schedules.
constexpr std::size_t k_element_block = 8192;
// Random accesses to a bin's state miss the L2 cache when there are many bins; the index says
// which line element i + 16 needs, so it is fetched while i is worked on (measured: about 15 %
// off the reproducible deposit with 2^16 bins).
constexpr std::size_t k_prefetch_distance = 16;

std::size_t block_count(std::size_t n, std::size_t block) { return (n + block - 1) / block; }

// Start of part `part` of `parts` equal contiguous shares of [0, n).
std::size_t share_begin(std::size_t n, std::size_t part, std::size_t parts) {
    return static_cast<std::size_t>(static_cast<UInt128>(n) * part / parts);
}

std::size_t bin_of(const int64_t* index, std::size_t i) { return static_cast<std::size_t>(index[i]); }

// ---------------------------------------------------------------------------------------------
// Bins shared out among threads, for `sorted` and the many-bins path of `reproducible`.
// Bin b belongs to group b mod G (G a power of two), where it is slot b / G; each group's state is
// contiguous (group-major), so threads working on different groups never share a cache line, and
// consecutive bins fall in different groups, so a few crowded bins (a `hot` index) spread over the
// threads. The input is visited in chunks, in order. A chunk is cut into `parts` contiguous
// shares; one thread partitions each share by group (a stable counting sort on the group) into
// the share's own range of a scratch buffer. Then, parallel over groups, visit(g, bins, values,
// count) is called on group g's elements from share 0, share 1, ... in turn. So every bin's values
// reach it in increasing i, whatever the number of parts, threads or schedule. Chunks keep the
// scratch buffer in the last-level cache and allocated once per call rather than n long.

constexpr std::size_t k_groups_per_thread = 8; // load balance for the dynamic/guided schedules
// Elements per chunk: 12 bytes of scratch each for f32 (24 MiB). Measured at n = 2^24 on the
// project's machine (32 MiB L3): 2^18 was 30 % slower (two barriers per chunk), 2^22 2.5x slower.
constexpr std::size_t k_group_chunk = std::size_t(1) << 21;

struct BinGroups {
    std::size_t groups, shift, per_group;
    std::size_t slot(std::size_t b) const { return (b & (groups - 1)) * per_group + (b >> shift); }
    std::size_t slots() const { return groups * per_group; }
};

BinGroups make_groups(std::size_t nbins, int threads) {
    const std::size_t wanted = std::bit_ceil(k_groups_per_thread * static_cast<std::size_t>(std::max(threads, 1)));
    const std::size_t groups = std::min(wanted, std::bit_ceil(std::max<std::size_t>(nbins, 1)));
    const auto shift = static_cast<std::size_t>(std::countr_zero(groups));
    return {groups, shift, (nbins + groups - 1) >> shift};
}

template <typename T, typename Visit>
void visit_groups_in_order(const T* values, const int64_t* index, std::size_t n, const BinGroups& groups,
                           const CpuSettings& settings, const Visit& visit) {
    if (n == 0) return;
    const std::size_t chunk = std::min(n, k_group_chunk);
    const std::size_t parts = std::min(chunk, static_cast<std::size_t>(std::max(settings.threads, 1)));
    const std::size_t g_count = groups.groups, g_mask = g_count - 1;
    // Counts, then write positions, then run ends, per part; 64 bytes apart so that two threads'
    // counters never share a cache line (they are incremented once per element).
    const std::size_t stride = g_count + 64 / sizeof(std::size_t);
    std::vector<std::size_t> cursor(parts * stride);
    // Not zeroed: every slot is written before it is read.
    const std::unique_ptr<int64_t[]> chunk_bins(new int64_t[chunk]);
    const std::unique_ptr<T[]> chunk_values(new T[chunk]);
    apply_openmp_schedule(settings);
#pragma omp parallel num_threads(settings.threads)
    for (std::size_t first = 0; first < n; first += chunk) { // every thread walks the same chunks
        const std::size_t len = std::min(chunk, n - first);
        const int64_t* in_index = index + first;
        const T* in_values = values + first;
#pragma omp for schedule(static)
        for (std::size_t p = 0; p < parts; ++p) {
            std::size_t* next = cursor.data() + p * stride;
            const std::size_t begin = share_begin(len, p, parts), end = share_begin(len, p + 1, parts);
            std::fill(next, next + g_count, std::size_t(0));
            for (std::size_t i = begin; i < end; ++i) ++next[bin_of(in_index, i) & g_mask];
            std::size_t position = begin;
            for (std::size_t g = 0; g < g_count; ++g) {
                const std::size_t count = next[g];
                next[g] = position;
                position += count;
            }
            for (std::size_t i = begin; i < end; ++i) {
                const std::size_t slot = next[bin_of(in_index, i) & g_mask]++;
                chunk_bins[slot] = in_index[i];
                chunk_values[slot] = in_values[i];
            }
        }
#pragma omp for schedule(runtime)
        for (std::size_t g = 0; g < g_count; ++g)
            for (std::size_t p = 0; p < parts; ++p) {
                const std::size_t from = g == 0 ? share_begin(len, p, parts) : cursor[p * stride + g - 1];
                const std::size_t to = cursor[p * stride + g];
                if (to != from) visit(g, chunk_bins.get() + from, chunk_values.get() + from, to - from);
            }
    }
}

// ---------------------------------------------------------------------------------------------
// `reproducible`: binned_deposit's arithmetic with the bin scales read from a table instead of
// computed with ldexp, on a 32-byte state per bin (one cache line holds it whole).
struct alignas(32) BinState {
    int64_t limb[k_limbs];
    int32_t top_bin;
    uint8_t has_nan, has_pos_inf, has_neg_inf;
};
static_assert(sizeof(BinState) == 32);
constexpr BinState k_empty_state{{0, 0, 0}, -1, 0, 0, 0};

template <typename T> BinnedAccumulator<T> to_accumulator(const BinState& s) {
    BinnedAccumulator<T> acc;
    acc.top_bin = s.top_bin;
    for (int j = 0; j < k_limbs; ++j) acc.limb[j] = s.limb[j];
    acc.has_nan = s.has_nan != 0;
    acc.has_pos_inf = s.has_pos_inf != 0;
    acc.has_neg_inf = s.has_neg_inf != 0;
    return acc;
}

// The rare cases, out of the hot loop: NaN/Inf, and raising a bin's window.
template <typename T> [[gnu::noinline]] void note_special(BinState& s, T x) {
    BinnedAccumulator<T> acc = to_accumulator<T>(s);
    binned_note_special(acc, x);
    s.has_nan = acc.has_nan;
    s.has_pos_inf = acc.has_pos_inf;
    s.has_neg_inf = acc.has_neg_inf;
}
template <typename T> [[gnu::noinline]] void raise_top(BinState& s, int new_top) {
    BinnedAccumulator<T> acc = to_accumulator<T>(s);
    binned_raise_top(acc, new_top);
    s.top_bin = acc.top_bin;
    for (int j = 0; j < k_limbs; ++j) s.limb[j] = acc.limb[j];
}

// Largest top bin a finite element of T can reach.
template <typename T> constexpr int max_top_bin() {
    using Tr = FloatTraits<T>;
    return ((1 << (8 * sizeof(T) - 1 - Tr::k_mantissa_bits)) - 3 + Tr::k_mantissa_bits) / k_bin_bits;
}

template <typename T> struct ScaleTable {
    BinScale<T> scale[max_top_bin<T>() + 1];
    ScaleTable() {
        for (int t = 0; t <= max_top_bin<T>(); ++t) {
            scale[t] = bin_scale<T>(t);
            // Multiplying by 1 is exact: with `second` = 1 the product below is binned_deposit's
            // in both cases, without a branch.
            if (!scale[t].two_step) scale[t].second = T(1);
        }
    }
};

// Deposits x[k] into state[bin[k] >> shift] for k < count.
template <typename T>
DETAUDIT_HD_HOT void deposit_elements(const T* x, const int64_t* bin, std::size_t count, std::size_t shift,
                                      const ScaleTable<T>& table, BinState* state) {
    using Tr = FloatTraits<T>;
    for (std::size_t k = 0; k < count; ++k) {
        if (k + k_prefetch_distance < count)
            __builtin_prefetch(&state[bin_of(bin, k + k_prefetch_distance) >> shift], 1);
        BinState& s = state[bin_of(bin, k) >> shift];
        const auto abs_bits = to_bits(x[k]) & Tr::k_abs_mask;
        if (abs_bits - 1 >= Tr::k_exp_mask - 1) [[unlikely]] { // zero (wraps around), NaN or Inf
            if (abs_bits != 0) note_special(s, x[k]);
            continue;
        }
        const int top = bin_of_abs_bits<T>(abs_bits);
        if (top > s.top_bin) [[unlikely]] raise_top<T>(s, top);
        const BinScale<T>& scale = table.scale[s.top_bin];
        int32_t p0, p1, p2;
        binned_pieces((x[k] * scale.first) * scale.second, p0, p1, p2);
        s.limb[0] += p0;
        s.limb[1] += p1;
        s.limb[2] += p2;
    }
}

DETAUDIT_VECTOR_CLONES void deposit_elements_f32(const float* x, const int64_t* bin, std::size_t count,
                                                 std::size_t shift, const ScaleTable<float>& t, BinState* s) {
    deposit_elements(x, bin, count, shift, t, s);
}
DETAUDIT_VECTOR_CLONES void deposit_elements_f64(const double* x, const int64_t* bin, std::size_t count,
                                                 std::size_t shift, const ScaleTable<double>& t, BinState* s) {
    deposit_elements(x, bin, count, shift, t, s);
}
void deposit_elements_any(const float* x, const int64_t* bin, std::size_t count, std::size_t shift,
                          const ScaleTable<float>& t, BinState* s) {
    deposit_elements_f32(x, bin, count, shift, t, s);
}
void deposit_elements_any(const double* x, const int64_t* bin, std::size_t count, std::size_t shift,
                          const ScaleTable<double>& t, BinState* s) {
    deposit_elements_f64(x, bin, count, shift, t, s);
}

// Direct path: each thread deposits its blocks into private state for every bin, then the
// threads' states are merged per bin (binned_merge: any order gives the same bits).
template <typename T>
void reproducible_private(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                          const CpuSettings& settings) {
    static const ScaleTable<T> table;
    const auto slots = static_cast<std::size_t>(std::max(settings.threads, 1));
    std::vector<BinState> state(slots * nbins);
    const std::size_t blocks = block_count(n, k_element_block);
    apply_openmp_schedule(settings);
#pragma omp parallel num_threads(settings.threads)
    {
        const auto team = static_cast<std::size_t>(omp_get_num_threads());
        const auto me = static_cast<std::size_t>(omp_get_thread_num());
        // Each thread clears its own state (first touch puts it near the thread).
        BinState* mine = state.data() + me * nbins;
        std::fill(mine, mine + nbins, k_empty_state);
#pragma omp barrier
#pragma omp for schedule(runtime)
        for (std::size_t k = 0; k < blocks; ++k) {
            const std::size_t begin = k * k_element_block;
            deposit_elements_any(values + begin, index + begin, std::min(k_element_block, n - begin), 0, table,
                                 mine);
        }
#pragma omp for schedule(static)
        for (std::size_t b = 0; b < nbins; ++b) {
            BinnedAccumulator<T> acc = to_accumulator<T>(state[b]);
            for (std::size_t t = 1; t < team; ++t) binned_merge(acc, to_accumulator<T>(state[t * nbins + b]));
            bins[b] = binned_finalize(acc);
        }
    }
}

// Many-bins path: one state per bin, bins shared out among threads by group.
template <typename T>
void reproducible_grouped(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                          const CpuSettings& settings) {
    static const ScaleTable<T> table;
    const BinGroups groups = make_groups(nbins, settings.threads);
    std::vector<BinState> state(groups.slots(), k_empty_state);
    visit_groups_in_order(values, index, n, groups, settings,
                          [&](std::size_t g, const int64_t* bin, const T* x, std::size_t count) {
                              deposit_elements_any(x, bin, count, groups.shift, table,
                                                   state.data() + g * groups.per_group);
                          });
#pragma omp parallel for schedule(static) num_threads(settings.threads)
    for (std::size_t b = 0; b < nbins; ++b) bins[b] = binned_finalize(to_accumulator<T>(state[groups.slot(b)]));
}

} // namespace

template <typename T>
void scatter_add_atomic(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                        const CpuSettings& s) {
    std::fill(bins, bins + nbins, T(0));
    const std::size_t blocks = block_count(n, k_element_block);
    apply_openmp_schedule(s);
#pragma omp parallel for schedule(runtime) num_threads(s.threads)
    for (std::size_t k = 0; k < blocks; ++k) {
        const std::size_t end = std::min(n, (k + 1) * k_element_block);
        for (std::size_t i = k * k_element_block; i < end; ++i) {
            std::atomic_ref<T> bin(bins[bin_of(index, i)]);
            T seen = bin.load(std::memory_order_relaxed);
            while (!bin.compare_exchange_weak(seen, seen + values[i], std::memory_order_relaxed)) {
            }
        }
    }
}

template <typename T>
void scatter_add_per_thread(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                            const CpuSettings& s) {
    const auto slots = static_cast<std::size_t>(std::max(s.threads, 1));
    std::vector<T> private_bins(slots * nbins);
#pragma omp parallel num_threads(s.threads)
    {
        // The split is by the team OpenMP actually gave, so a fixed team gives a fixed grouping.
        const auto team = static_cast<std::size_t>(omp_get_num_threads());
        const auto me = static_cast<std::size_t>(omp_get_thread_num());
        T* mine = private_bins.data() + me * nbins;
        std::fill(mine, mine + nbins, T(0));
        const std::size_t end = share_begin(n, me + 1, team);
        for (std::size_t i = share_begin(n, me, team); i < end; ++i) mine[bin_of(index, i)] += values[i];
#pragma omp barrier
#pragma omp for schedule(static)
        for (std::size_t b = 0; b < nbins; ++b) {
            T sum = private_bins[b];
            for (std::size_t t = 1; t < team; ++t) sum += private_bins[t * nbins + b];
            bins[b] = sum;
        }
    }
}

template <typename T>
void scatter_add_sorted(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                        const CpuSettings& s) {
    // An empty bin keeps the zero it was set to. A non-empty one starts from -0.0 (the identity),
    // so its first value is copied exactly whatever its sign: the bits of the left-to-right sum
    // of its values.
    std::fill(bins, bins + nbins, T(0));
    if (s.threads <= 1) {
        // One thread: walking i in order adds each bin's values in the order the algorithm
        // defines, with no partitioning.
        std::vector<uint8_t> started(nbins, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t b = bin_of(index, i);
            bins[b] = (started[b] ? bins[b] : -T(0)) + values[i];
            started[b] = 1;
        }
        return;
    }
    const BinGroups groups = make_groups(nbins, s.threads);
    std::vector<T> sum(groups.slots());
    std::vector<uint8_t> started(groups.slots(), 0);
    visit_groups_in_order(values, index, n, groups, s,
                          [&](std::size_t g, const int64_t* bin, const T* x, std::size_t count) {
                              T* group_sum = sum.data() + g * groups.per_group;
                              uint8_t* group_started = started.data() + g * groups.per_group;
                              for (std::size_t k = 0; k < count; ++k) {
                                  const std::size_t j = bin_of(bin, k) >> groups.shift;
                                  group_sum[j] = (group_started[j] ? group_sum[j] : -T(0)) + x[k];
                                  group_started[j] = 1;
                              }
                          });
#pragma omp parallel for schedule(static) num_threads(s.threads)
    for (std::size_t b = 0; b < nbins; ++b)
        if (started[groups.slot(b)]) bins[b] = sum[groups.slot(b)];
}

template <typename T>
void scatter_add_reproducible(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                              const CpuSettings& s) {
    // Both paths give the same bits (the per-bin integer sums are equal); the choice is memory and
    // speed only: private state per thread and bin while it is no larger than the input.
    const auto threads = static_cast<std::size_t>(std::max(s.threads, 1));
    const std::size_t private_bytes = nbins * threads * sizeof(BinState);
    if (private_bytes <= n * (sizeof(T) + sizeof(int64_t))) reproducible_private(values, index, n, bins, nbins, s);
    else reproducible_grouped(values, index, n, bins, nbins, s);
}

#define DETAUDIT_INSTANTIATE_SCATTER(T)                                                                      \
    template void scatter_add_atomic<T>(const T*, const int64_t*, std::size_t, T*, std::size_t,              \
                                        const CpuSettings&);                                                 \
    template void scatter_add_per_thread<T>(const T*, const int64_t*, std::size_t, T*, std::size_t,          \
                                            const CpuSettings&);                                             \
    template void scatter_add_sorted<T>(const T*, const int64_t*, std::size_t, T*, std::size_t,              \
                                        const CpuSettings&);                                                 \
    template void scatter_add_reproducible<T>(const T*, const int64_t*, std::size_t, T*, std::size_t,        \
                                              const CpuSettings&);
DETAUDIT_INSTANTIATE_SCATTER(float)
DETAUDIT_INSTANTIATE_SCATTER(double)

} // namespace detaudit::kernels
