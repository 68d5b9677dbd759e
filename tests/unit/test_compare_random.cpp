// The vectorised comparison against a plain element-by-element reference written from the
// definitions in docs/algorithms.md ("Comparison metrics"), on random buffers of every vectorised
// dtype rich in NaNs (several payloads), ±0, infinities, subnormals and near neighbours, with
// lengths that leave vector and chunk tails; and the one-pass digest_and_compare against
// digest_bytes + compare_buffers for every dtype.
#include "compare/diff_stats.hpp"
#include "compare/digest.hpp"
#include "compare/digest_compare.hpp"
#include "compare/float_stats_isa.hpp"
#include "compare/range_stats.hpp"
#include "kernels/common/philox.hpp"
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

using namespace detaudit;

namespace {

struct Draws {
    uint64_t seed, next = 0;
    uint32_t word() { return kernels::philox_word(seed, next++); }
    uint64_t wide() { return (uint64_t(word()) << 32) | word(); }
};

template <typename T> T pick_float(Draws& d) {
    using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
    using L = std::numeric_limits<T>;
    const T specials[] = {T(0),
                          -T(0),
                          L::infinity(),
                          -L::infinity(),
                          L::quiet_NaN(),
                          -L::quiet_NaN(),
                          L::denorm_min(),
                          -L::denorm_min(),
                          L::min(),
                          -L::min(),
                          L::max(),
                          -L::max(),
                          T(1),
                          T(-1)};
    const uint32_t kind = d.word() % 8;
    if (kind == 0) return specials[d.word() % std::size(specials)];
    Bits bits = static_cast<Bits>(d.wide());
    if (kind == 1) { // a NaN with a random payload
        bits |= sizeof(T) == 4 ? Bits(0x7f800001u) : Bits(0x7ff0000000000001ull);
    } else if (kind == 2) { // a subnormal
        bits &= sizeof(T) == 4 ? Bits(0x807fffffu) : Bits(0x800fffffffffffffull);
    } else if (kind < 6) { // moderate magnitudes
        const T v = static_cast<T>(static_cast<double>(static_cast<int32_t>(d.word())) * 1e-6);
        return v;
    }
    T v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

// The other side: equal, a few ULP away (bit steps), another special, or anything.
template <typename T> T neighbour(T x, Draws& d) {
    using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
    const uint32_t kind = d.word() % 10;
    if (kind < 5) return x;
    if (kind < 8) {
        Bits bits;
        std::memcpy(&bits, &x, sizeof bits);
        const uint32_t step = d.word() % 4 == 0 ? d.word() % 300000 : d.word() % 20;
        bits = d.word() % 2 ? bits + step : bits - step;
        std::memcpy(&x, &bits, sizeof bits);
        return x;
    }
    return pick_float<T>(d);
}

template <typename T> T pick_integer(Draws& d) {
    const uint64_t w = d.wide();
    switch (d.word() % 4) {
    case 0:
        return static_cast<T>(w);
    case 1:
        return static_cast<T>(w % 5);
    case 2:
        return std::numeric_limits<T>::min() + static_cast<T>(w % 3);
    default:
        return std::numeric_limits<T>::max() - static_cast<T>(w % 3);
    }
}

template <typename T> T integer_neighbour(T x, Draws& d) {
    const uint32_t kind = d.word() % 10;
    if (kind < 5) return x;
    if (kind < 8) { // a few steps up, wrapping around (in unsigned arithmetic: no overflow)
        using U = std::make_unsigned_t<T>;
        return static_cast<T>(static_cast<U>(static_cast<U>(x) + static_cast<U>(d.word() % 300)));
    }
    return pick_integer<T>(d);
}

std::size_t bucket_of(uint64_t ulp) {
    const uint64_t edges[] = {0, 1, 3, 15, 255, 65535};
    std::size_t b = 0;
    while (b < 6 && ulp > edges[b])
        ++b;
    return b;
}

// The reference: one element at a time, straight from the definitions.
template <typename T> DiffStats reference_floats(const T* a, const T* b, std::size_t n) {
    DiffStats s;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::memcmp(&a[i], &b[i], sizeof(T)) == 0) {
            ++s.ulp_histogram[0];
            continue;
        }
        ++s.differing_elements;
        if (std::isnan(a[i]) || std::isnan(b[i])) {
            if (std::isnan(a[i]) != std::isnan(b[i]))
                ++s.nan_mismatches;
            else
                ++s.ulp_histogram[0];
            continue;
        }
        // ULP distance: count the representable steps between them (ordered as integers).
        auto key = [](T v) {
            int64_t k = 0;
            if constexpr (sizeof(T) == 4) {
                uint32_t u;
                std::memcpy(&u, &v, 4);
                k = u & 0x7fffffff;
                if (u >> 31) k = -k;
            } else {
                uint64_t u;
                std::memcpy(&u, &v, 8);
                k = static_cast<int64_t>(u & 0x7fffffffffffffffull);
                if (u >> 63) k = -k;
            }
            return k;
        };
        const int64_t ka = key(a[i]), kb = key(b[i]);
        const uint64_t ulp = ka > kb ? uint64_t(ka) - uint64_t(kb) : uint64_t(kb) - uint64_t(ka);
        ++s.ulp_histogram[bucket_of(ulp)];
        if (ulp > s.max_ulp) s.max_ulp = ulp;
        const double x = a[i], y = b[i];
        const double abs_diff = std::fabs(x - y), magnitude = std::fmax(std::fabs(x), std::fabs(y));
        const double rel = magnitude == 0          ? 0
                           : std::isinf(magnitude) ? INFINITY
                                                   : abs_diff / magnitude;
        if (abs_diff > s.max_abs) s.max_abs = abs_diff;
        if (rel > s.max_rel) s.max_rel = rel;
    }
    return s;
}

template <typename T>
DiffStats reference_integers(const T* a, const T* b, std::size_t n, bool truth, bool raw) {
    DiffStats s;
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i] == b[i]) {
            ++s.ulp_histogram[0];
            continue;
        }
        ++s.differing_elements;
        if (raw) continue;
        // Exact difference in 128 bits, then to 64 (it always fits).
        __extension__ __int128 x = a[i], y = b[i];
        if (truth) {
            x = x != 0;
            y = y != 0;
        }
        const auto diff = static_cast<uint64_t>(x > y ? x - y : y - x);
        ++s.ulp_histogram[bucket_of(diff)];
        if (diff > s.max_ulp) s.max_ulp = diff;
        const double magnitude =
            std::fmax(std::fabs(static_cast<double>(x)), std::fabs(static_cast<double>(y)));
        const double abs_diff = static_cast<double>(diff);
        if (abs_diff > s.max_abs) s.max_abs = abs_diff;
        if (magnitude != 0 && abs_diff / magnitude > s.max_rel) s.max_rel = abs_diff / magnitude;
    }
    return s;
}

void check_same(const DiffStats& got, const DiffStats& want) {
    CHECK(got.differing_elements == want.differing_elements);
    CHECK(got.nan_mismatches == want.nan_mismatches);
    CHECK(got.ulp_histogram == want.ulp_histogram);
    CHECK(got.max_ulp == want.max_ulp);
    CHECK(got.max_abs == want.max_abs); // exact: both are maxima of the same exact operations
    CHECK(got.max_rel == want.max_rel);
    CHECK(got.identical == (want.differing_elements == 0));
}

// Runs of equal elements between differing ones, so whole vectors and chunks are skipped too.
bool in_equal_run(std::size_t i, uint64_t seed) {
    return (i / 997 + seed) % 3 == 0;
}

const std::size_t k_lengths[] = {0, 1, 7, 8, 9, 15, 17, 63, 64, 65, 1000, 4099, 20011, 70001};

// Every compiled width of the f32/f64 kernel that this CPU runs (AVX-512, AVX2, SSE2), each
// called directly: compare_buffers only reaches the widest.
std::vector<float_stats_isa::Ops> float_variants() {
    std::vector<float_stats_isa::Ops> out{float_stats_isa::ops_default()};
#ifdef DETAUDIT_FLOAT_STATS_X86_CLONES
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                      __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    if (avx2) out.push_back(float_stats_isa::ops_avx2());
    if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        out.push_back(float_stats_isa::ops_avx512());
#endif
    return out;
}

template <typename T>
void check_float_variants(const T* x, const T* y, std::size_t n, const DiffStats& want) {
    for (const float_stats_isa::Ops& ops : float_variants()) {
        RangeTotals t;
        if constexpr (sizeof(T) == 4)
            ops.f32(x, y, n, t);
        else
            ops.f64(x, y, n, t);
        DiffStats got;
        fold_range_totals(t, n, false, got);
        got.identical = got.differing_elements == 0;
        check_same(got, want);
    }
}

// Near ties of rel: neighbours one to three ULP apart at random mantissas and nearby exponents,
// so that lanes' rel maxima are often just above or below the next value (the kernels skip the
// division only where it cannot raise a maximum).
template <typename T> T near_tie(Draws& d, T& other) {
    const T x = std::ldexp(T(1) + T(d.word() % 4096) * std::numeric_limits<T>::epsilon(),
                           static_cast<int>(d.word() % 7) - 3);
    other = x;
    for (uint32_t k = 0; k <= d.word() % 3; ++k)
        other = std::nextafter(other, d.word() % 2 ? T(8) : T(0));
    return d.word() % 2 ? x : -x;
}

template <typename T> void check_floats(DType dtype) {
    for (const bool ties : {false, true})
        for (const std::size_t n : k_lengths) {
            Draws d{n * 31 + sizeof(T) + (ties ? 7 : 0)};
            Buffer a(dtype, {n}), b(dtype, {n});
            T* x = a.as<T>();
            T* y = b.as<T>();
            for (std::size_t i = 0; i < n; ++i) {
                if (ties) {
                    x[i] = near_tie<T>(d, y[i]);
                    if (x[i] < 0) y[i] = -y[i];
                    continue;
                }
                x[i] = pick_float<T>(d);
                y[i] = in_equal_run(i, n) ? x[i] : neighbour(x[i], d);
            }
            INFO(dtype_name(dtype) << " n=" << n << (ties ? " near ties" : ""));
            const DiffStats want = reference_floats(x, y, n);
            check_same(compare_buffers(a, b), want);
            check_same(digest_and_compare(a, b).diff, want);
            check_float_variants(x, y, n, want);
        }
}

template <typename T> void check_integers(DType dtype, bool truth = false, bool raw = false) {
    for (const std::size_t n : k_lengths) {
        Draws d{n * 17 + sizeof(T) + (truth ? 100 : 0) + (raw ? 200 : 0)};
        Buffer a(dtype, {n}), b(dtype, {n});
        T* x = a.as<T>();
        T* y = b.as<T>();
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = pick_integer<T>(d);
            y[i] = in_equal_run(i, n) ? x[i] : integer_neighbour(x[i], d);
        }
        INFO(dtype_name(dtype) << " n=" << n);
        const DiffStats want = reference_integers(x, y, n, truth, raw);
        check_same(compare_buffers(a, b), want);
        check_same(digest_and_compare(a, b).diff, want);
    }
}

} // namespace

TEST_CASE(
    "vectorised comparison equals the element-by-element reference for every vectorised dtype") {
    check_floats<float>(DType::f32);
    check_floats<double>(DType::f64);
    check_integers<int8_t>(DType::i8);
    check_integers<int16_t>(DType::i16);
    check_integers<int32_t>(DType::i32);
    check_integers<int64_t>(DType::i64);
    check_integers<uint8_t>(DType::u8);
    check_integers<uint16_t>(DType::u16);
    check_integers<uint32_t>(DType::u32);
    check_integers<uint64_t>(DType::u64);
    check_integers<uint8_t>(DType::bool_, true);
    check_integers<uint8_t>(DType::bytes, false, true);
}

TEST_CASE(
    "the first difference is the lowest differing index, whatever vector or chunk it falls in") {
    for (const std::size_t at : {std::size_t(0), std::size_t(5), std::size_t(4095),
                                 std::size_t(4096), std::size_t(40000)}) {
        Buffer a(DType::f32, {50000});
        for (std::size_t i = 0; i < 50000; ++i)
            a.as<float>()[i] = static_cast<float>(i);
        Buffer b = a.clone();
        b.as<float>()[at] = -1.0f;
        b.as<float>()[49999] = -2.0f;
        const DiffStats d = compare_buffers(a, b);
        REQUIRE(d.first_difference);
        CHECK(d.first_difference->index == at);
        CHECK(d.first_difference->other.decimal == "-1");
        const DigestedComparison fused = digest_and_compare(a, b);
        REQUIRE(fused.diff.first_difference);
        CHECK(fused.diff.first_difference->index == at);
    }
}

TEST_CASE("digest_and_compare is digest_bytes + compare_buffers in one pass, for every dtype") {
    for (const DType dtype : {DType::f32, DType::f64, DType::f16, DType::c64, DType::c128,
                              DType::bool_, DType::i8, DType::i16, DType::i32, DType::i64,
                              DType::u8, DType::u16, DType::u32, DType::u64, DType::bytes}) {
        const std::size_t n = 9001;
        Buffer a(dtype, {n}), b(dtype, {n});
        Draws d{static_cast<uint64_t>(dtype) + 5};
        for (std::size_t i = 0; i < a.size_bytes(); ++i) {
            const auto byte = static_cast<std::byte>(d.word());
            a.data()[i] = byte;
            b.data()[i] =
                (i / 500) % 2 && d.word() % 50 == 0 ? static_cast<std::byte>(d.word()) : byte;
        }
        INFO(dtype_name(dtype));
        const DigestedComparison fused = digest_and_compare(a, b);
        const DiffStats separate = compare_buffers(a, b);
        CHECK(fused.digest == digest_bytes(b.bytes()));
        check_same(fused.diff, separate);
        CHECK(fused.diff.elements == separate.elements);
        CHECK(fused.diff.raw_bytes == separate.raw_bytes);
        CHECK(fused.diff.first_difference.has_value() == separate.first_difference.has_value());
        if (fused.diff.first_difference)
            CHECK(fused.diff.first_difference->index == separate.first_difference->index);
    }
    const Buffer a(DType::f32, {4}), b(DType::f32, {2, 2});
    const DigestedComparison mismatch = digest_and_compare(a, b);
    CHECK(mismatch.diff.shape_mismatch);
    CHECK(mismatch.digest == digest_bytes(b.bytes()));
}
