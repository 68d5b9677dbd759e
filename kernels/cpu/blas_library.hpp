// The system BLAS (Debian's OpenBLAS), opened with dlopen the first time something needs it:
// `matmul` `blas` cells and the report's BLAS fingerprint. Linking it would start its thread pool
// in its constructor at every start of detaudit (`--version`, `validate`, `diff`...), about half of
// the start-up time that was left (docs/performance.md, "Start-up").
#pragma once
#include <cblas.h>

namespace detaudit::kernels {

struct BlasLibrary {
    decltype(&cblas_sgemm) sgemm;
    decltype(&cblas_dgemm) dgemm;
    decltype(&openblas_set_num_threads) set_num_threads;
    decltype(&openblas_get_num_threads) get_num_threads;
    decltype(&openblas_get_config) get_config;
    decltype(&openblas_get_corename) get_corename;
};

// The soname dlopen asks for: the same name the link would have recorded, found by the loader's
// usual search (LD_LIBRARY_PATH, the executable's RPATH in the GPU bundle, ld.so.cache).
inline constexpr const char* k_blas_soname = "libopenblas.so.0";

// Loads the library once (thread-safe); throws std::runtime_error naming the library and
// dlerror's reason when it cannot be loaded or lacks a symbol, every time it is asked.
const BlasLibrary& blas_library();

} // namespace detaudit::kernels
