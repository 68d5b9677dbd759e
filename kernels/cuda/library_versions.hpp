// The CUDA libraries of this build and of this process (plain C++, no CUDA header). Its own header
// rather than cuda_kernels.hpp, which every .cu file includes.
#pragma once
#include <string>

namespace detaudit::kernels {

// `built_*` come from the headers compiled in (CUBLAS_VER_*, CURAND_VERSION); `loaded_*` from the
// libraries mapped now (cublasGetProperty, curandGetVersion; 0 if the call fails) and `*_file` is
// the file each was mapped from (dladdr). The CUDA runtime is linked statically (cuda_probe's
// runtime_version is the built one). Needs no GPU and no driver.
struct CudaLibraryVersions {
    int built_cublas = 0; // major * 10000 + minor * 100 + patch
    int built_curand = 0; // major * 1000 + minor * 100 + patch
    int loaded_cublas = 0;
    int loaded_curand = 0;
    std::string cublas_file;
    std::string curand_file;
};
CudaLibraryVersions cuda_library_versions();

} // namespace detaudit::kernels
