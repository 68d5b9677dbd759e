// CPU scatter_add kernels (scatter_cpu.hpp): atomic, per_thread, sorted (a stable counting sort by
// bin, then one sequential sum per bin) and reproducible (per-bin binned accumulators).
#include "scatter_cpu.hpp"
#include <algorithm>
#include <atomic>
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
// Bins per schedule(runtime) iteration of the per-bin loops, for the same reason.
constexpr std::size_t k_bin_block = 512;

std::size_t block_count(std::size_t n, std::size_t block) { return (n + block - 1) / block; }

// Start of part `part` of `parts` equal contiguous shares of [0, n).
std::size_t share_begin(std::size_t n, std::size_t part, std::size_t parts) {
    return static_cast<std::size_t>(static_cast<UInt128>(n) * part / parts);
}

std::size_t bin_of(const int64_t* index, std::size_t i) { return static_cast<std::size_t>(index[i]); }

// ---------------------------------------------------------------------------------------------
// The stable (bin, position) order, shared by `sorted` and the many-bins path of `reproducible`.
// The input is visited in chunks, in order. A chunk is cut into `parts` contiguous shares, and one
// thread counting-sorts each share by bin into the share's own range of a scratch buffer (a
// thread writing next to another's slots would share cache lines with it). Then, parallel over
// bins, `segment(b, x, count)` is called with bin b's values from share 0, share 1, ... in turn:
// bin b's values in increasing i, whatever the number of parts, and a bin's segments arrive chunk
// by chunk, in order. Chunks keep the scratch buffer small enough to stay in cache, and
// allocated once per call rather than n long.

// Big enough that the per-chunk work over all bins is small next to the per-element work.
std::size_t sort_chunk(std::size_t n, std::size_t nbins) {
    return std::min(n, std::max(std::size_t(1) << 21, 8 * nbins));
}

// At most one part per thread, and few enough that the per-part cursors (parts x nbins) stay
// within the chunk's size: many bins and few values sort on one thread.
std::size_t sort_parts(std::size_t chunk, std::size_t nbins, int threads) {
    const std::size_t by_size = std::max<std::size_t>(1, chunk / std::max<std::size_t>(1, nbins));
    return std::clamp<std::size_t>(by_size, 1, static_cast<std::size_t>(std::max(threads, 1)));
}

// Per-bin work is cut into this many tasks per thread, of about equal weight (elements + bins), so
// a few crowded bins (a `hot` index) spread over the threads instead of landing in one task.
constexpr std::size_t k_tasks_per_thread = 8;

// Where each part's values of each bin lie in the scratch buffer once the part is sorted:
// end[p * nbins + b] is one past bin b's last value of part p, and bin b starts where bin b - 1
// ends (or at the part's first slot).
template <typename Cursor> struct ChunkLayout {
    const Cursor* end;
    std::size_t nbins, parts, len;
    std::size_t begin_of(std::size_t p, std::size_t b) const {
        return b == 0 ? share_begin(len, p, parts) : end[p * nbins + b - 1];
    }
    // Values in bins [0, b) of the whole chunk, plus b: the weight that balances the tasks.
    std::size_t weight_before(std::size_t b) const {
        std::size_t w = b;
        for (std::size_t p = 0; p < parts; ++p) w += begin_of(p, b) - share_begin(len, p, parts);
        return w;
    }
    // First bin of task k of `tasks`: the first b whose weight reaches k/tasks of the total.
    std::size_t task_begin(std::size_t k, std::size_t tasks) const {
        const auto target = static_cast<std::size_t>(static_cast<UInt128>(len + nbins) * k / tasks);
        std::size_t low = 0, high = nbins;
        while (low < high) {
            const std::size_t mid = low + (high - low) / 2;
            if (weight_before(mid) < target) low = mid + 1;
            else high = mid;
        }
        return low;
    }
};

// Cursor is uint32_t when positions within a chunk fit: half the counters' cache footprint.
template <typename Cursor, typename T, typename Segment>
void segments_in_order(const T* values, const int64_t* index, std::size_t n, std::size_t nbins,
                       const CpuSettings& settings, const Segment& segment) {
    const std::size_t chunk = sort_chunk(n, nbins);
    const std::size_t parts = sort_parts(chunk, nbins, settings.threads);
    std::vector<Cursor> cursor(parts * nbins); // counts, then write positions, then bin ends
    const std::unique_ptr<T[]> sorted(new T[chunk]); // not zeroed: every slot is written before use
    apply_openmp_schedule(settings);
#pragma omp parallel num_threads(settings.threads)
    {
        const auto team = static_cast<std::size_t>(omp_get_num_threads());
        const std::size_t tasks = std::min(k_tasks_per_thread * team, nbins);
        for (std::size_t first = 0; first < n; first += chunk) { // every thread walks the same chunks
            const std::size_t len = std::min(chunk, n - first);
            const T* chunk_values = values + first;
            const int64_t* chunk_index = index + first;
#pragma omp for schedule(static)
            for (std::size_t p = 0; p < parts; ++p) {
                Cursor* next = cursor.data() + p * nbins;
                const std::size_t begin = share_begin(len, p, parts), end = share_begin(len, p + 1, parts);
                std::fill(next, next + nbins, Cursor(0));
                for (std::size_t i = begin; i < end; ++i) ++next[bin_of(chunk_index, i)];
                std::size_t position = begin;
                for (std::size_t b = 0; b < nbins; ++b) {
                    const std::size_t count = next[b];
                    next[b] = static_cast<Cursor>(position);
                    position += count;
                }
                for (std::size_t i = begin; i < end; ++i) sorted[next[bin_of(chunk_index, i)]++] = chunk_values[i];
            }
            const ChunkLayout<Cursor> layout{cursor.data(), nbins, parts, len};
#pragma omp for schedule(runtime)
            for (std::size_t k = 0; k < tasks; ++k) {
                const std::size_t end = layout.task_begin(k + 1, tasks);
                for (std::size_t b = layout.task_begin(k, tasks); b < end; ++b)
                    for (std::size_t p = 0; p < parts; ++p) {
                        const std::size_t from = layout.begin_of(p, b), to = cursor[p * nbins + b];
                        if (to != from) segment(b, sorted.get() + from, to - from);
                    }
            }
        }
    }
}

template <typename T, typename Segment>
void for_each_segment_in_order(const T* values, const int64_t* index, std::size_t n, std::size_t nbins,
                               const CpuSettings& settings, const Segment& segment) {
    if (sort_chunk(n, nbins) <= UINT32_MAX) segments_in_order<uint32_t>(values, index, n, nbins, settings, segment);
    else segments_in_order<std::size_t>(values, index, n, nbins, settings, segment);
}

// ---------------------------------------------------------------------------------------------
// `reproducible`, direct path: two passes over the input with private per-thread state.
// Pass 1 finds each bin's largest magnitude (max is order-independent), which fixes the bin's
// accumulator window (top bin) before any deposit. Pass 2 cuts every element into its three
// integer pieces relative to that window and adds them to private int64 limbs; the limbs of all
// threads are summed (integer addition: any order) and finalised. This is the same integer sum
// binned_deposit reaches in any order: a piece is a fixed bit slice of the element, so depositing
// under an early, lower window and shifting up later keeps exactly the slices the final window
// keeps (binned_sum.hpp).
template <typename T> struct Limbs {
    int64_t limb[k_limbs];
};

constexpr uint8_t k_flag_nan = 1, k_flag_pos_inf = 2, k_flag_neg_inf = 4;

// Largest top bin an element of T can reach (Inf's exponent field included).
template <typename T> constexpr int max_top_bin() {
    using Tr = FloatTraits<T>;
    return ((1 << (8 * sizeof(T) - 1 - Tr::k_mantissa_bits)) - 2 + Tr::k_mantissa_bits) / k_bin_bits;
}

template <typename T>
DETAUDIT_HD_HOT void max_pass(const T* values, const int64_t* index, std::size_t begin, std::size_t end,
                              typename FloatTraits<T>::Bits* max_bits, uint8_t* flags) {
    using Tr = FloatTraits<T>;
    for (std::size_t i = begin; i < end; ++i) {
        const std::size_t b = bin_of(index, i);
        const auto abs_bits = to_bits(values[i]) & Tr::k_abs_mask;
        if (abs_bits >= Tr::k_exp_mask) [[unlikely]] {
            const T x = values[i];
            flags[b] |= x != x ? k_flag_nan : (x > T(0) ? k_flag_pos_inf : k_flag_neg_inf);
        }
        max_bits[b] = std::max(max_bits[b], abs_bits);
    }
}

template <typename T>
DETAUDIT_HD_HOT void deposit_pass(const T* values, const int64_t* index, std::size_t begin, std::size_t end,
                                  const uint8_t* top, const BinScale<T>* scales, Limbs<T>* limbs) {
    using Tr = FloatTraits<T>;
    for (std::size_t i = begin; i < end; ++i) {
        const std::size_t b = bin_of(index, i);
        const T x = values[i];
        if ((to_bits(x) & Tr::k_abs_mask) >= Tr::k_exp_mask) [[unlikely]]
            continue; // NaN/Inf: recorded in pass 1, and the bin's result is special anyway
        const BinScale<T>& s = scales[top[b]];
        // `second` is 1 when one factor suffices: multiplying by it is exact, so this is the
        // product binned_deposit forms, without a branch.
        int32_t p0, p1, p2;
        binned_pieces((x * s.first) * s.second, p0, p1, p2);
        limbs[b].limb[0] += p0;
        limbs[b].limb[1] += p1;
        limbs[b].limb[2] += p2;
    }
}

DETAUDIT_VECTOR_CLONES void max_pass_f32(const float* v, const int64_t* ix, std::size_t b, std::size_t e,
                                         uint32_t* m, uint8_t* f) {
    max_pass(v, ix, b, e, m, f);
}
DETAUDIT_VECTOR_CLONES void max_pass_f64(const double* v, const int64_t* ix, std::size_t b, std::size_t e,
                                         uint64_t* m, uint8_t* f) {
    max_pass(v, ix, b, e, m, f);
}
void max_pass_any(const float* v, const int64_t* ix, std::size_t b, std::size_t e, uint32_t* m, uint8_t* f) {
    max_pass_f32(v, ix, b, e, m, f);
}
void max_pass_any(const double* v, const int64_t* ix, std::size_t b, std::size_t e, uint64_t* m, uint8_t* f) {
    max_pass_f64(v, ix, b, e, m, f);
}
DETAUDIT_VECTOR_CLONES void deposit_pass_f32(const float* v, const int64_t* ix, std::size_t b, std::size_t e,
                                             const uint8_t* top, const BinScale<float>* s, Limbs<float>* l) {
    deposit_pass(v, ix, b, e, top, s, l);
}
DETAUDIT_VECTOR_CLONES void deposit_pass_f64(const double* v, const int64_t* ix, std::size_t b, std::size_t e,
                                             const uint8_t* top, const BinScale<double>* s, Limbs<double>* l) {
    deposit_pass(v, ix, b, e, top, s, l);
}
void deposit_pass_any(const float* v, const int64_t* ix, std::size_t b, std::size_t e, const uint8_t* top,
                      const BinScale<float>* s, Limbs<float>* l) {
    deposit_pass_f32(v, ix, b, e, top, s, l);
}
void deposit_pass_any(const double* v, const int64_t* ix, std::size_t b, std::size_t e, const uint8_t* top,
                      const BinScale<double>* s, Limbs<double>* l) {
    deposit_pass_f64(v, ix, b, e, top, s, l);
}

template <typename T>
void reproducible_direct(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                         const CpuSettings& settings) {
    using Bits = typename FloatTraits<T>::Bits;
    static_assert(max_top_bin<T>() < 255, "tops are stored in uint8_t");
    const auto slots = static_cast<std::size_t>(std::max(settings.threads, 1));
    std::vector<Bits> max_bits(slots * nbins);
    std::vector<uint8_t> flags(slots * nbins);
    std::vector<Limbs<T>> limbs(slots * nbins);
    std::vector<uint8_t> top(nbins);
    std::vector<BinScale<T>> scales(max_top_bin<T>() + 1);
    for (int t = 0; t <= max_top_bin<T>(); ++t) {
        scales[t] = bin_scale<T>(t);
        if (!scales[t].two_step) scales[t].second = T(1);
    }
    const std::size_t blocks = block_count(n, k_element_block);
    const std::size_t bin_blocks = block_count(nbins, k_bin_block);
    apply_openmp_schedule(settings);
#pragma omp parallel num_threads(settings.threads)
    {
        const auto team = static_cast<std::size_t>(omp_get_num_threads());
        const auto me = static_cast<std::size_t>(omp_get_thread_num());
        // Each thread zeroes its own private arrays (first touch puts them near it).
        Bits* my_max = max_bits.data() + me * nbins;
        uint8_t* my_flags = flags.data() + me * nbins;
        Limbs<T>* my_limbs = limbs.data() + me * nbins;
        std::fill(my_max, my_max + nbins, Bits(0));
        std::fill(my_flags, my_flags + nbins, uint8_t(0));
        std::fill(my_limbs, my_limbs + nbins, Limbs<T>{});
#pragma omp barrier
#pragma omp for schedule(runtime)
        for (std::size_t k = 0; k < blocks; ++k)
            max_pass_any(values, index, k * k_element_block, std::min(n, (k + 1) * k_element_block), my_max,
                         my_flags);
#pragma omp for schedule(runtime)
        for (std::size_t k = 0; k < bin_blocks; ++k) {
            const std::size_t end = std::min(nbins, (k + 1) * k_bin_block);
            for (std::size_t b = k * k_bin_block; b < end; ++b) {
                Bits m = 0;
                uint8_t f = 0;
                for (std::size_t t = 0; t < team; ++t) {
                    m = std::max(m, max_bits[t * nbins + b]);
                    f |= flags[t * nbins + b];
                }
                max_bits[b] = m; // thread 0's slot now holds the merged maximum
                flags[b] = f;
                top[b] = static_cast<uint8_t>(m == 0 ? 0 : bin_of_abs_bits<T>(m));
            }
        }
#pragma omp for schedule(runtime)
        for (std::size_t k = 0; k < blocks; ++k)
            deposit_pass_any(values, index, k * k_element_block, std::min(n, (k + 1) * k_element_block),
                             top.data(), scales.data(), my_limbs);
#pragma omp for schedule(runtime)
        for (std::size_t k = 0; k < bin_blocks; ++k) {
            const std::size_t end = std::min(nbins, (k + 1) * k_bin_block);
            for (std::size_t b = k * k_bin_block; b < end; ++b) {
                BinnedAccumulator<T> acc;
                acc.has_nan = (flags[b] & k_flag_nan) != 0;
                acc.has_pos_inf = (flags[b] & k_flag_pos_inf) != 0;
                acc.has_neg_inf = (flags[b] & k_flag_neg_inf) != 0;
                // An all-zero bin has no window (finalize gives +0). A bin holding NaN or Inf
                // finalises from its flags, so its window does not matter.
                if (max_bits[b] != 0) acc.top_bin = top[b];
                for (std::size_t t = 0; t < team; ++t)
                    for (int j = 0; j < k_limbs; ++j) acc.limb[j] += limbs[t * nbins + b].limb[j];
                bins[b] = binned_finalize(acc);
            }
        }
    }
}

// `reproducible`, sort path (many bins per value, where private per-thread accumulators would
// cost more memory than the input): bins are split among threads after a sort by bin, and each
// bin's segment goes through the block deposit (vectorised) under the segment's maximum.
template <typename T>
DETAUDIT_HD_HOT void deposit_segment_any_isa(BinnedAccumulator<T>& acc, const T* x, std::size_t n) {
    using Tr = FloatTraits<T>;
    typename Tr::Bits m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, to_bits(x[i]) & Tr::k_abs_mask);
    if (m >= Tr::k_exp_mask) { // NaN or Inf: the rare element-wise path
        for (std::size_t i = 0; i < n; ++i) binned_deposit(acc, x[i]);
        return;
    }
    binned_deposit_finite_block(acc, x, n, m);
}
DETAUDIT_VECTOR_CLONES void deposit_segment_f32(BinnedAccumulator<float>& acc, const float* x, std::size_t n) {
    deposit_segment_any_isa(acc, x, n);
}
DETAUDIT_VECTOR_CLONES void deposit_segment_f64(BinnedAccumulator<double>& acc, const double* x, std::size_t n) {
    deposit_segment_any_isa(acc, x, n);
}
void deposit_segment(BinnedAccumulator<float>& acc, const float* x, std::size_t n) { deposit_segment_f32(acc, x, n); }
void deposit_segment(BinnedAccumulator<double>& acc, const double* x, std::size_t n) {
    deposit_segment_f64(acc, x, n);
}

template <typename T>
void reproducible_sorted(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                         const CpuSettings& settings) {
    std::vector<BinnedAccumulator<T>> acc(nbins);
    for_each_segment_in_order(values, index, n, nbins, settings, [&acc](std::size_t b, const T* x, std::size_t count) {
        deposit_segment(acc[b], x, count);
    });
#pragma omp parallel for schedule(static) num_threads(settings.threads)
    for (std::size_t b = 0; b < nbins; ++b) bins[b] = binned_finalize(acc[b]);
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
    // A bin's running sum lives in bins[b] from its first segment on; an empty bin keeps the zero
    // it was set to. A non-empty one starts from -0.0 (the identity), so its first element is
    // copied exactly whatever its sign: the bits of the left-to-right sum of its elements.
    std::vector<uint8_t> started(nbins, 0);
    std::fill(bins, bins + nbins, T(0));
    for_each_segment_in_order(values, index, n, nbins, s, [bins, &started](std::size_t b, const T* x, std::size_t count) {
        T sum = started[b] ? bins[b] : -T(0);
        started[b] = 1;
        for (std::size_t i = 0; i < count; ++i) sum += x[i];
        bins[b] = sum;
    });
}

template <typename T>
void scatter_add_reproducible(const T* values, const int64_t* index, std::size_t n, T* bins, std::size_t nbins,
                              const CpuSettings& s) {
    // Both paths give the same bits (the per-bin integer sums are equal); the choice is memory and
    // speed only: private accumulators for every thread while they are no larger than the input.
    const auto threads = static_cast<std::size_t>(std::max(s.threads, 1));
    if (nbins * threads <= n) reproducible_direct(values, index, n, bins, nbins, s);
    else reproducible_sorted(values, index, n, bins, nbins, s);
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
