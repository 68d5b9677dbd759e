#include "float_stats_isa.hpp"
#include "kernels/common/float_bits.hpp"
#ifdef DETAUDIT_FLOAT_STATS_X86_CLONES
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi,bmi2")
#define DETAUDIT_FLOAT_STATS_BYTES 64
#define DETAUDIT_FLOAT_STATS_OPS ops_avx512
#include "float_stats_body.hpp"
#pragma GCC pop_options
#endif
