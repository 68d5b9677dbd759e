#include "xxh3_isa.hpp"
#define DETAUDIT_XXH3_OPS ops_default
#include "xxh3_isa_body.hpp"

namespace detaudit::xxh3_isa {

const Ops& best_ops() {
    static const Ops ops = [] {
#ifdef DETAUDIT_XXH3_X86_CLONES
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) return ops_avx512();
        if (__builtin_cpu_supports("avx2")) return ops_avx2();
#endif
        return ops_default();
    }();
    return ops;
}

} // namespace detaudit::xxh3_isa
