// f32 and f64 range statistics: the widest variant of float_stats_body.hpp this CPU runs.
#include "float_stats_isa.hpp"
#include "range_stats.hpp"

namespace detaudit {

namespace float_stats_isa {

const Ops& best_ops() {
    static const Ops ops = [] {
#ifdef DETAUDIT_FLOAT_STATS_X86_CLONES
        __builtin_cpu_init();
        // Exactly the features float_stats_avx2.cpp and float_stats_avx512.cpp are compiled for.
        const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
        if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
            return ops_avx512();
        if (avx2) return ops_avx2();
#endif
        return ops_default();
    }();
    return ops;
}

} // namespace float_stats_isa

void float_range_stats(const float* a, const float* b, std::size_t n, RangeTotals& t) {
    float_stats_isa::best_ops().f32(a, b, n, t);
}
void float_range_stats(const double* a, const double* b, std::size_t n, RangeTotals& t) {
    float_stats_isa::best_ops().f64(a, b, n, t);
}

} // namespace detaudit
