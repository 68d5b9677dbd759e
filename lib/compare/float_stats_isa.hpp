// The f32 and f64 range statistics (float_range_stats) compiled once per x86 vector width and
// picked at run time, as xxh3_isa.hpp does for the digest. target_clones is not enough here: GCC
// lowers the GCC vector types of each helper function for the default target before inlining it
// into a clone, so the wide clones ran lane by lane. Each float_stats_<isa>.cpp compiles
// float_stats_body.hpp whole under its target instead; the body defines every helper it uses.
// Internal to lib/compare.
#pragma once
#include "range_stats.hpp"
#include <cstddef>

namespace detaudit::float_stats_isa {

struct Ops {
    void (*f32)(const float* a, const float* b, std::size_t n, RangeTotals& t);
    void (*f64)(const double* a, const double* b, std::size_t n, RangeTotals& t);
};

Ops ops_default();
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DETAUDIT_FLOAT_STATS_X86_CLONES 1
Ops ops_avx2();
Ops ops_avx512();
#endif

// The widest variant this CPU (and OS) can run.
const Ops& best_ops();

} // namespace detaudit::float_stats_isa
