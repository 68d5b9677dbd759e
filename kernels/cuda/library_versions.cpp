// Which cuBLAS and cuRAND this binary was compiled against (their headers' version macros) and
// which it loaded (the libraries' own answers and the files the dynamic loader mapped). A bundle
// built on one machine runs on another with that machine's CUDA libraries: the two can differ,
// and cuBLAS's results are only promised bit-identical for one library version.
#include <cublas_api.h>
#include <curand.h>
#include <dlfcn.h>
#include "cuda_kernels.hpp"
#include "library_versions.hpp"

namespace detaudit::kernels {
namespace {

// The file the dynamic loader mapped `symbol` from, "" if dladdr cannot say.
std::string library_file_of(const void* symbol) {
    Dl_info info{};
    if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "";
    return info.dli_fname;
}

} // namespace

CudaLibraryVersions cuda_library_versions() {
    CudaLibraryVersions v;
    v.built_cublas = CUBLAS_VER_MAJOR * 10000 + CUBLAS_VER_MINOR * 100 + CUBLAS_VER_PATCH;
    v.built_curand = CURAND_VERSION;
    v.loaded_cublas = cublas_library_version();
    v.loaded_curand = curand_library_version();
    v.cublas_file = library_file_of(reinterpret_cast<const void*>(&cublasGetProperty));
    v.curand_file = library_file_of(reinterpret_cast<const void*>(&curandGetVersion));
    return v;
}

} // namespace detaudit::kernels
