// Exact sums, rounded once: the `exact` reduce and the accuracy references (docs/algorithms.md).
// Every finite value is an integer m (below 2^54 in magnitude) times a power of two 2^(lsb + i);
// the accumulator keeps one 128-bit integer per power i ("bucket"). Integer addition is exact and
// associative, so the total is the exact sum for any order, thread split or merge order; it is
// rounded once (to nearest, ties to even) at the end. A bucket takes 2^73 deposits before it
// could overflow. Nothing here allocates: the accumulator is a plain array, usable in device code.
#pragma once
#include <cstdint>
#include <limits>
#include "float_bits.hpp"
#include "host_device.hpp"

namespace detaudit::kernels {

// 128-bit integers (GCC/Clang and nvcc >= 11.5); __extension__ keeps -Wpedantic quiet. The same
// typedefs as binned_sum.hpp (a repeated typedef of the same type is allowed).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// Buckets: how many powers of two; LsbExponent: the power of bucket 0.
template <int Buckets, int LsbExponent> struct ExactAccumulator {
    static constexpr int k_buckets = Buckets;
    static constexpr int k_lsb_exponent = LsbExponent;
    Int128 bucket[Buckets];
    int lowest = Buckets, highest = -1; // the buckets touched (an empty range when lowest > highest)
    bool has_nan = false, has_pos_inf = false, has_neg_inf = false;
    bool has_term = false;              // a term (zero included) was added
    bool all_negative_zero = true;      // every term was -0: the only exact zero sum that is -0
};

template <int B, int L> DETAUDIT_HD void exact_clear(ExactAccumulator<B, L>& acc) {
    for (int i = 0; i < B; ++i) acc.bucket[i] = 0;
    acc.lowest = B;
    acc.highest = -1;
    acc.has_nan = acc.has_pos_inf = acc.has_neg_inf = acc.has_term = false;
    acc.all_negative_zero = true;
}

// Buckets one per finite exponent of T (subnormals share bucket 0 with the smallest normals).
template <typename T>
inline constexpr int k_exponent_buckets = int((FloatTraits<T>::k_exp_mask >> FloatTraits<T>::k_mantissa_bits) - 1);
// The sum of T values: T's whole exponent range, plus 64 spare buckets above it (the CPU's fast
// path deposits integer limbs at bit positions up to 50 above the largest exponent's).
template <typename T>
using ExactSum = ExactAccumulator<k_exponent_buckets<T> + 64,
                                  1 - FloatTraits<T>::k_exponent_bias - FloatTraits<T>::k_mantissa_bits>;

// Ready for the next sum: zeroes only the buckets touched since the last clear.
template <int B, int L> DETAUDIT_HD void exact_reset(ExactAccumulator<B, L>& acc) {
    for (int i = acc.lowest; i <= acc.highest; ++i) acc.bucket[i] = 0;
    acc.lowest = B;
    acc.highest = -1;
    acc.has_nan = acc.has_pos_inf = acc.has_neg_inf = acc.has_term = false;
    acc.all_negative_zero = true;
}

template <int B, int L> DETAUDIT_HD_HOT void exact_add_integer(ExactAccumulator<B, L>& acc, int64_t m, int index) {
    acc.bucket[index] += m;
    acc.lowest = index < acc.lowest ? index : acc.lowest;
    acc.highest = index > acc.highest ? index : acc.highest;
}

// A zero or non-finite term: only flags change.
template <int B, int L> DETAUDIT_HD void exact_note_special(ExactAccumulator<B, L>& acc, bool nan, bool negative) {
    if (nan) acc.has_nan = true;
    else if (negative) acc.has_neg_inf = true;
    else acc.has_pos_inf = true;
}

template <typename T, int B, int L> DETAUDIT_HD_HOT void exact_deposit(ExactAccumulator<B, L>& acc, T x) {
    using Tr = FloatTraits<T>;
    const auto bits = to_bits(x);
    const auto abs_bits = bits & Tr::k_abs_mask;
    const bool negative = bits != abs_bits;
    acc.has_term = true;
    acc.all_negative_zero = acc.all_negative_zero && negative && abs_bits == 0;
    if (abs_bits >= Tr::k_exp_mask) {
        exact_note_special(acc, abs_bits > Tr::k_exp_mask, negative);
        return;
    }
    const int biased = static_cast<int>(abs_bits >> Tr::k_mantissa_bits);
    const auto fraction = abs_bits & ((typename Tr::Bits(1) << Tr::k_mantissa_bits) - 1);
    const auto m = static_cast<int64_t>(biased ? fraction | (typename Tr::Bits(1) << Tr::k_mantissa_bits) : fraction);
    // Bucket of biased exponent e is e - 1 (subnormals, e = 0, share bucket 0 with e = 1).
    exact_add_integer(acc, negative ? -m : m, biased ? biased - 1 : 0);
}

template <int B, int L> DETAUDIT_HD void exact_merge(ExactAccumulator<B, L>& into, const ExactAccumulator<B, L>& from) {
    for (int i = from.lowest; i <= from.highest; ++i) into.bucket[i] += from.bucket[i];
    into.lowest = from.lowest < into.lowest ? from.lowest : into.lowest;
    into.highest = from.highest > into.highest ? from.highest : into.highest;
    into.has_nan |= from.has_nan;
    into.has_pos_inf |= from.has_pos_inf;
    into.has_neg_inf |= from.has_neg_inf;
    into.has_term |= from.has_term;
    into.all_negative_zero = into.all_negative_zero && from.all_negative_zero;
}

// A two's-complement integer of up to Limbs 64-bit words (word 0 least significant).
template <int Limbs> struct ExactWords {
    uint64_t word[Limbs];
    int count;
};

// word[] += value << shift, sign-extended to every word above.
template <int Limbs> DETAUDIT_HD void exact_words_add(ExactWords<Limbs>& w, Int128 value, int shift) {
    const auto u = static_cast<UInt128>(value);
    const uint64_t extension = value < 0 ? ~uint64_t(0) : 0;
    const uint64_t parts[3] = {static_cast<uint64_t>(u), static_cast<uint64_t>(u >> 64), extension};
    const int first = shift / 64, r = shift % 64;
    uint64_t carry = 0;
    for (int k = first; k < w.count; ++k) {
        const int j = k - first; // the word of the shifted value that lands on word k
        const uint64_t low = j < 3 ? parts[j] : extension;
        const uint64_t below = j == 0 ? 0 : (j - 1 < 3 ? parts[j - 1] : extension);
        const uint64_t add = r == 0 ? low : (low << r) | (below >> (64 - r));
        const uint64_t sum = w.word[k] + add;
        const uint64_t with_carry = sum + carry;
        carry = (sum < add ? 1 : 0) + (with_carry < sum ? 1 : 0);
        w.word[k] = with_carry;
    }
}

DETAUDIT_HD int exact_leading_bit(uint64_t v) {
#if defined(__CUDA_ARCH__)
    return 63 - __clzll(static_cast<long long>(v));
#else
    return 63 - __builtin_clzll(v);
#endif
}

// `count` (<= 64) bits of the magnitude starting at bit `start` (bits below 0 read as zero).
template <int Limbs> DETAUDIT_HD uint64_t exact_words_bits(const ExactWords<Limbs>& w, int start, int count) {
    uint64_t out = 0;
    for (int b = 0; b < count; ++b) {
        const int at = start + b;
        if (at < 0 || at >= 64 * w.count) continue;
        out |= ((w.word[at / 64] >> (at % 64)) & 1u) << b;
    }
    return out;
}

template <int Limbs> DETAUDIT_HD bool exact_words_any_below(const ExactWords<Limbs>& w, int end) {
    for (int k = 0; k < w.count && 64 * k < end; ++k) {
        const int bits_here = end - 64 * k >= 64 ? 64 : end - 64 * k;
        const uint64_t mask = bits_here == 64 ? ~uint64_t(0) : (uint64_t(1) << bits_here) - 1;
        if (w.word[k] & mask) return true;
    }
    return false;
}

// The magnitude `w` (non-zero) times 2^exponent, rounded once to Out (nearest, ties to even).
template <typename Out, int Limbs> DETAUDIT_HD Out exact_round_magnitude(const ExactWords<Limbs>& w, int exponent, bool negative) {
    using Tr = FloatTraits<Out>;
    int top_word = w.count - 1;
    while (w.word[top_word] == 0) --top_word;
    const int top_bit = 64 * top_word + exact_leading_bit(w.word[top_word]);
    constexpr int k_out_lsb = 1 - Tr::k_exponent_bias - Tr::k_mantissa_bits;
    int ulp_exponent = top_bit + exponent - Tr::k_mantissa_bits;
    if (ulp_exponent < k_out_lsb) ulp_exponent = k_out_lsb;
    const int start = ulp_exponent - exponent; // the bit of `w` that is Out's last place
    uint64_t q = exact_words_bits(w, start, Tr::k_mantissa_bits + 1);
    if (start > 0 && exact_words_bits(w, start - 1, 1) &&
        ((q & 1) || exact_words_any_below(w, start - 1)))
        q += 1; // above the halfway point, or on it with an odd last place
    // Field arithmetic: q carries the implicit bit into the exponent field, and a carry out of
    // the significand moves to the next binade by itself.
    const int64_t field = ulp_exponent - k_out_lsb;
    constexpr int64_t k_max_field = static_cast<int64_t>(Tr::k_exp_mask >> Tr::k_mantissa_bits);
    uint64_t bits = field >= k_max_field ? uint64_t(Tr::k_exp_mask)
                                         : (static_cast<uint64_t>(field) << Tr::k_mantissa_bits) + q;
    if (bits >= Tr::k_exp_mask) bits = Tr::k_exp_mask; // rounded past the largest finite: infinity
    if (negative) bits |= uint64_t(1) << (8 * sizeof(Out) - 1);
    return from_bits<Out>(static_cast<typename Tr::Bits>(bits));
}

// The accumulated exact sum rounded once to Out, with IEEE's rules for the specials: NaN if a
// term is NaN or both infinities occur, an infinity if one occurs, -0 only when every term is -0.
template <typename Out, int B, int L> DETAUDIT_HD Out exact_round(const ExactAccumulator<B, L>& acc) {
    if (acc.has_nan || (acc.has_pos_inf && acc.has_neg_inf)) return std::numeric_limits<Out>::quiet_NaN();
    if (acc.has_pos_inf) return std::numeric_limits<Out>::infinity();
    if (acc.has_neg_inf) return -std::numeric_limits<Out>::infinity();
    const Out zero = acc.has_term && acc.all_negative_zero ? -Out(0) : Out(0);
    if (acc.lowest > acc.highest) return zero;
    // Buckets hold < 2^127 in magnitude; the sum of all of them needs log2(B) bits more.
    constexpr int k_limbs = (B + 128 + 16) / 64 + 2;
    ExactWords<k_limbs> w;
    const int base = (acc.lowest / 64) * 64;
    w.count = (acc.highest - base + 128 + 16) / 64 + 2;
    for (int k = 0; k < w.count; ++k) w.word[k] = 0;
    for (int i = acc.lowest; i <= acc.highest; ++i)
        if (acc.bucket[i] != 0) exact_words_add(w, acc.bucket[i], i - base);
    const bool negative = (w.word[w.count - 1] >> 63) != 0;
    if (negative) { // magnitude: two's-complement negation
        uint64_t carry = 1;
        for (int k = 0; k < w.count; ++k) {
            w.word[k] = ~w.word[k] + carry;
            carry = carry && w.word[k] == 0 ? 1 : 0;
        }
    }
    bool nonzero = false;
    for (int k = 0; k < w.count; ++k) nonzero = nonzero || w.word[k] != 0;
    if (!nonzero) return zero; // an exact zero: -0 only when every term was -0 (IEEE, to nearest)
    return exact_round_magnitude<Out>(w, L + base, negative);
}

// The correctly rounded sum of n values of T (the `exact` reduce on one thread).
template <typename T> DETAUDIT_HD T exact_sum(const T* x, uint64_t n, ExactSum<T>& scratch) {
    exact_clear(scratch);
    for (uint64_t i = 0; i < n; ++i) exact_deposit(scratch, x[i]);
    return exact_round<T>(scratch);
}

} // namespace detaudit::kernels
