// Hot loops are compiled once per vector width and picked at run time (GCC function multi-
// versioning), so one portable binary uses AVX-512 where the CPU has it. The order of operations
// is fixed by the source, not by the vector width, so every clone gives the same bits.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define DETAUDIT_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DETAUDIT_VECTOR_CLONES
#endif
