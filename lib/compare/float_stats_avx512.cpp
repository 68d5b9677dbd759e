#include "float_stats_isa.hpp"
#include "kernels/common/float_bits.hpp"
#ifdef DETAUDIT_FLOAT_STATS_X86_CLONES
#pragma GCC push_options
#pragma GCC target("arch=x86-64-v4")
#define DETAUDIT_FLOAT_STATS_BYTES 64
#define DETAUDIT_FLOAT_STATS_OPS ops_avx512
#include "float_stats_body.hpp"
#pragma GCC pop_options
#endif
