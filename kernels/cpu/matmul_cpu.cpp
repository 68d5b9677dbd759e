// CPU matmul algorithms: naive (the defining fma order), blocked (packed, threaded, naive's bits),
// splitk_atomic (per-thread k ranges added into C with CAS) and blas (OpenBLAS).
#include "matmul_cpu.hpp"
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstddef>
#include <new>
#include <stdexcept>
#include <vector>
#include "blas_library.hpp"
#include <omp.h>
#include "../common/matmul_order.hpp"
#include "vector_clones.hpp"

namespace detaudit::kernels {
namespace {

// Register and cache blocking. The micro-kernel keeps mr rows × nr columns of C in accumulators
// (f32: 8 × 32, f64: 8 × 16: sixteen 512-bit registers, enough independent fma chains to hide the
// fma latency on two pipes). kc bounds the k range of one micro-kernel call so its B micro-panel
// (kc × nr, 32 KiB) stays in L1 while the mc/mr A strips of a tile stream past it from L2.
// None of these sizes changes the result: each C[i,j] still sees p = 0..k-1 in order.
template <typename T> struct Blocking {
    static constexpr std::size_t mr = 8;
    static constexpr std::size_t nr = 128 / sizeof(T);
    static constexpr std::size_t kc = 256;
    static constexpr std::size_t mc = 128; // rows of a C tile (the unit of work of one thread)
    static constexpr std::size_t nc = 256; // columns of a C tile
    static_assert(mc % mr == 0 && nc % nr == 0, "tiles hold whole micro-tiles");
};

// 64-byte aligned, uninitialised bytes: packing overwrites every element it reads.
class AlignedBytes {
  public:
    AlignedBytes() = default;
    ~AlignedBytes() { release(); }
    AlignedBytes(const AlignedBytes&) = delete;
    AlignedBytes& operator=(const AlignedBytes&) = delete;
    // At least `bytes` of storage; the old contents are not kept.
    std::byte* reserve(std::size_t bytes) {
        if (bytes > m_bytes) {
            release();
            m_data = static_cast<std::byte*>(::operator new (bytes, std::align_val_t{64}));
            m_bytes = bytes;
        }
        return m_data;
    }

  private:
    void release() {
        if (m_data) ::operator delete (m_data, std::align_val_t{64});
        m_data = nullptr;
        m_bytes = 0;
    }
    std::byte* m_data = nullptr;
    std::size_t m_bytes = 0;
};

// Packed operands up to this size stay allocated on the calling thread between calls. A fresh
// multi-MiB buffer comes from mmap and is page-faulted in on every call: on this project's VM that
// cost as much as the arithmetic at 1024³. Larger products allocate per call (their faults are
// O(n²) against O(n³) work) so a single huge call does not pin its memory for good.
constexpr std::size_t k_keep_packed_bytes = std::size_t(64) << 20;

// A and B repacked so the micro-kernel reads both as unit-stride streams: A as strips of mr rows
// stored p-major ([strip][p][r]), B as panels of nr columns ([panel][p][j]). Rows and columns past
// the matrix edge are zeros; they only feed accumulators that are never written back.
template <typename T> struct PackedView {
    const T* a;
    const T* b;
    std::size_t k;
};

template <typename T> class PackedOperands {
  public:
    using B = Blocking<T>;
    PackedOperands(const T* a, const T* b, std::size_t m, std::size_t n, std::size_t k, int threads)
        : m_strips((m + B::mr - 1) / B::mr), m_panels((n + B::nr - 1) / B::nr), m_k(k),
          m_a(nullptr), m_b(nullptr) {
        const std::size_t a_count = m_strips * B::mr * k, b_count = m_panels * B::nr * k;
        const std::size_t bytes = (a_count + b_count) * sizeof(T);
        thread_local AlignedBytes kept;
        std::byte* storage =
            bytes <= k_keep_packed_bytes ? kept.reserve(bytes) : m_own.reserve(bytes);
        m_a = reinterpret_cast<T*>(storage);
        m_b = m_a + a_count; // a_count is a multiple of mr·k ≥ 8 elements: b stays 32-byte aligned
        T* const pa = m_a;
        T* const pb = m_b;
        const std::size_t strips = m_strips, panels = m_panels;
#pragma omp parallel num_threads(threads)
        {
#pragma omp for schedule(static) nowait
            for (std::size_t s = 0; s < strips; ++s) {
                T* dst = pa + s * k * B::mr;
                for (std::size_t r = 0; r < B::mr; ++r) {
                    const std::size_t row = s * B::mr + r;
                    if (row < m)
                        for (std::size_t p = 0; p < k; ++p)
                            dst[p * B::mr + r] = a[row * k + p];
                    else
                        for (std::size_t p = 0; p < k; ++p)
                            dst[p * B::mr + r] = T(0);
                }
            }
#pragma omp for schedule(static)
            for (std::size_t q = 0; q < panels; ++q) {
                T* dst = pb + q * k * B::nr;
                const std::size_t col0 = q * B::nr;
                const std::size_t width = std::min(B::nr, n - col0);
                for (std::size_t p = 0; p < k; ++p) {
                    for (std::size_t j = 0; j < width; ++j)
                        dst[p * B::nr + j] = b[p * n + col0 + j];
                    for (std::size_t j = width; j < B::nr; ++j)
                        dst[p * B::nr + j] = T(0);
                }
            }
        }
    }
    PackedView<T> view() const {
        return {m_a, m_b, m_k};
    }

  private:
    std::size_t m_strips, m_panels, m_k;
    AlignedBytes m_own; // only for products too big to keep
    T* m_a;
    T* m_b;
};

// A rectangle of C (i0 a multiple of mr, j0 of nr) and the range of p it accumulates.
struct Block {
    std::size_t i0, rows, j0, cols, p0, p1;
};

// C cut into mc × nc tiles, numbered row-major: the unit the threads share out.
template <typename T> struct TileGrid {
    using B = Blocking<T>;
    std::size_t m, n, tiles_m, tiles_n;
    TileGrid(std::size_t m_, std::size_t n_)
        : m(m_), n(n_), tiles_m((m_ + B::mc - 1) / B::mc), tiles_n((n_ + B::nc - 1) / B::nc) {}
    std::size_t count() const { return tiles_m * tiles_n; }
    Block block(std::size_t t, std::size_t p0, std::size_t p1) const {
        const std::size_t i0 = (t / tiles_n) * B::mc, j0 = (t % tiles_n) * B::nc;
        return {i0, std::min(B::mc, m - i0), j0, std::min(B::nc, n - j0), p0, p1};
    }
};

// mr × nr accumulators; for each p in order: broadcast A[i,p], fma with B[p, j..j+nr). Each
// accumulator is one C[i,j]'s chain, so vectorising across j changes nothing in any chain.
// from_start: begin at +0 (the first k block), otherwise continue from the values in c.
template <typename T>
DETAUDIT_HD_HOT void micro_kernel(const T* __restrict a, const T* __restrict b, std::size_t kc,
                                  T* __restrict c, std::size_t ldc, bool from_start) {
    constexpr std::size_t mr = Blocking<T>::mr, nr = Blocking<T>::nr;
    T acc[mr][nr];
    if (from_start) {
        for (std::size_t r = 0; r < mr; ++r)
            for (std::size_t j = 0; j < nr; ++j)
                acc[r][j] = matmul_start<T>();
    } else {
        for (std::size_t r = 0; r < mr; ++r)
            for (std::size_t j = 0; j < nr; ++j)
                acc[r][j] = c[r * ldc + j];
    }
    for (std::size_t p = 0; p < kc; ++p) {
        for (std::size_t r = 0; r < mr; ++r) {
            const T ar = a[p * mr + r];
            for (std::size_t j = 0; j < nr; ++j)
                acc[r][j] = matmul_step(ar, b[p * nr + j], acc[r][j]);
        }
    }
    for (std::size_t r = 0; r < mr; ++r)
        for (std::size_t j = 0; j < nr; ++j)
            c[r * ldc + j] = acc[r][j];
}

// A micro-tile cut by the edge of C runs the same kernel on a full-size copy (the padded rows and
// columns compute on zeros and are dropped), so ragged edges keep naive's chains exactly.
template <typename T>
DETAUDIT_HD_HOT void micro_tile(const T* a, const T* b, std::size_t kc, T* c, std::size_t ldc,
                                std::size_t rows, std::size_t cols, bool from_start) {
    constexpr std::size_t mr = Blocking<T>::mr, nr = Blocking<T>::nr;
    if (rows == mr && cols == nr) {
        micro_kernel(a, b, kc, c, ldc, from_start);
        return;
    }
    T edge[mr * nr] = {};
    if (!from_start)
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < cols; ++j)
                edge[r * nr + j] = c[r * ldc + j];
    micro_kernel(a, b, kc, edge, nr, from_start);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < cols; ++j)
            c[r * ldc + j] = edge[r * nr + j];
}

// The rectangle blk of C over p in [p0, p1), written to out (row stride ldo). k blocks go in
// increasing order, and within one the micro-kernel steps p in order: naive's chain, resumed.
template <typename T>
DETAUDIT_HD_HOT void block_product(const PackedView<T>& pk, const Block& blk, T* out,
                                   std::size_t ldo) {
    using B = Blocking<T>;
    for (std::size_t pc = blk.p0; pc < blk.p1; pc += B::kc) {
        const std::size_t len = std::min(B::kc, blk.p1 - pc);
        for (std::size_t jr = 0; jr < blk.cols; jr += B::nr) {
            const T* b = pk.b + (blk.j0 + jr) / B::nr * pk.k * B::nr + pc * B::nr;
            for (std::size_t ir = 0; ir < blk.rows; ir += B::mr) {
                const T* a = pk.a + (blk.i0 + ir) / B::mr * pk.k * B::mr + pc * B::mr;
                micro_tile(a, b, len, out + ir * ldo + jr, ldo, std::min(B::mr, blk.rows - ir),
                           std::min(B::nr, blk.cols - jr), pc == blk.p0);
            }
        }
    }
}

// The per-ISA clones: vfmadd on 512-bit (v4) or 256-bit (v3) vectors; the default clone calls
// libm's fma per element (correct, slow). Same bits from every clone.
DETAUDIT_VECTOR_CLONES void block_product_f32(const PackedView<float>& pk, const Block& blk,
                                              float* out, std::size_t ldo) {
    block_product(pk, blk, out, ldo);
}
DETAUDIT_VECTOR_CLONES void block_product_f64(const PackedView<double>& pk, const Block& blk,
                                              double* out, std::size_t ldo) {
    block_product(pk, blk, out, ldo);
}
void block_product_isa(const PackedView<float>& pk, const Block& blk, float* out, std::size_t ldo) {
    block_product_f32(pk, blk, out, ldo);
}
void block_product_isa(const PackedView<double>& pk, const Block& blk, double* out,
                       std::size_t ldo) {
    block_product_f64(pk, blk, out, ldo);
}

template <typename T>
DETAUDIT_HD_HOT void naive_rows(const T* a, const T* b, T* c, std::size_t m, std::size_t n,
                                std::size_t k) {
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j)
            c[i * n + j] = naive_dot(a + i * k, b + j, k, n);
}
// Cloned only so the fma is one instruction rather than a libm call; the order is the source's.
DETAUDIT_VECTOR_CLONES void naive_f32(const float* a, const float* b, float* c, std::size_t m,
                                      std::size_t n, std::size_t k) {
    naive_rows(a, b, c, m, n, k);
}
DETAUDIT_VECTOR_CLONES void naive_f64(const double* a, const double* b, double* c, std::size_t m,
                                      std::size_t n, std::size_t k) {
    naive_rows(a, b, c, m, n, k);
}

// C[idx] += value in whatever order threads arrive: the nondeterminism splitk_atomic exists to
// show.
template <typename T> void atomic_add(T& target, T value) {
    std::atomic_ref<T> cell(target);
    T seen = cell.load(std::memory_order_relaxed);
    while (!cell.compare_exchange_weak(seen, seen + value, std::memory_order_relaxed)) {
    }
}

// CBLAS takes int sizes (OpenBLAS without INTERFACE64).
int blas_size(std::size_t v) {
    if (v > static_cast<std::size_t>(INT_MAX))
        throw std::invalid_argument("matmul blas: dimension exceeds INT_MAX");
    return static_cast<int>(v);
}

} // namespace

template <typename T>
void matmul_naive(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k) {
    if constexpr (sizeof(T) == 4)
        naive_f32(a, b, c, m, n, k);
    else
        naive_f64(a, b, c, m, n, k);
}

template <typename T>
void matmul_blocked(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k,
                    const CpuSettings& s) {
    const PackedOperands<T> packed(a, b, m, n, k, s.threads);
    const PackedView<T> pk = packed.view();
    const TileGrid<T> grid(m, n);
    const std::size_t tiles = grid.count();
    apply_openmp_schedule(s); // any schedule gives the same bits: each tile has one owner
#pragma omp parallel for schedule(runtime) num_threads(s.threads)
    for (std::size_t t = 0; t < tiles; ++t) {
        const Block blk = grid.block(t, 0, k);
        block_product_isa(pk, blk, c + blk.i0 * n + blk.j0, n);
    }
}

template <typename T>
void matmul_splitk_atomic(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k,
                          const CpuSettings& s) {
    std::fill(c, c + m * n, T(0));
    const PackedOperands<T> packed(a, b, m, n, k, s.threads);
    const PackedView<T> pk = packed.view();
    const TileGrid<T> grid(m, n);
#pragma omp parallel num_threads(s.threads)
    {
        const auto team = static_cast<std::size_t>(omp_get_num_threads());
        const auto me = static_cast<std::size_t>(omp_get_thread_num());
        const std::size_t p0 = k * me / team, p1 = k * (me + 1) / team;
        if (p0 < p1) { // more threads than k: some have no range
            std::vector<T> partial(Blocking<T>::mc * Blocking<T>::nc);
            // Every thread walks the tiles in the same order, so they race for the same tiles.
            for (std::size_t t = 0; t < grid.count(); ++t) {
                const Block blk = grid.block(t, p0, p1);
                block_product_isa(pk, blk, partial.data(), blk.cols);
                for (std::size_t r = 0; r < blk.rows; ++r)
                    for (std::size_t j = 0; j < blk.cols; ++j)
                        atomic_add(c[(blk.i0 + r) * n + blk.j0 + j], partial[r * blk.cols + j]);
            }
        }
    }
}

template <typename T>
void matmul_blas(const T* a, const T* b, T* c, std::size_t m, std::size_t n, std::size_t k,
                 const CpuSettings& s) {
    const int mi = blas_size(m), ni = blas_size(n), ki = blas_size(k);
    const BlasLibrary& blas = blas_library();
    blas.set_num_threads(s.threads);
    if constexpr (sizeof(T) == 4)
        blas.sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, mi, ni, ki, 1.0f, a, ki, b, ni, 0.0f,
                    c, ni);
    else
        blas.dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, mi, ni, ki, 1.0, a, ki, b, ni, 0.0,
                    c, ni);
}

BlasInfo blas_info() {
    try {
        const BlasLibrary& blas = blas_library();
        return {"OpenBLAS", blas.get_config(), blas.get_corename(), std::to_string(blas.get_num_threads())};
    } catch (const std::runtime_error& e) {
        return {"OpenBLAS", std::string("unavailable: ") + e.what(), "", ""};
    }
}

#define DETAUDIT_INSTANTIATE_MATMUL(T)                                                             \
    template void matmul_naive<T>(const T*, const T*, T*, std::size_t, std::size_t, std::size_t);  \
    template void matmul_blocked<T>(const T*, const T*, T*, std::size_t, std::size_t, std::size_t, \
                                    const CpuSettings&);                                           \
    template void matmul_splitk_atomic<T>(const T*, const T*, T*, std::size_t, std::size_t,        \
                                          std::size_t, const CpuSettings&);                        \
    template void matmul_blas<T>(const T*, const T*, T*, std::size_t, std::size_t, std::size_t,    \
                                 const CpuSettings&);
DETAUDIT_INSTANTIATE_MATMUL(float)
DETAUDIT_INSTANTIATE_MATMUL(double)

} // namespace detaudit::kernels
