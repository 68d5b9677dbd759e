#include "xxh3_isa.hpp"
#ifdef DETAUDIT_XXH3_X86_CLONES
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx2")
#define DETAUDIT_XXH3_OPS ops_avx512
#include "xxh3_isa_body.hpp"
#pragma GCC pop_options
#endif
