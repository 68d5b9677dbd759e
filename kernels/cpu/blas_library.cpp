#include "blas_library.hpp"
#include <dlfcn.h>
#include <stdexcept>
#include <string>
#include <variant>

namespace detaudit::kernels {
namespace {

template <typename Fn> void bind(void* handle, const char* name, Fn& target) {
    void* symbol = dlsym(handle, name);
    if (symbol == nullptr)
        throw std::runtime_error(std::string(k_blas_soname) + " has no symbol " + name);
    target = reinterpret_cast<Fn>(symbol);
}

BlasLibrary load() {
    // RTLD_LOCAL: its symbols serve only us; never unloaded (its threads outlive any caller).
    void* handle = dlopen(k_blas_soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        throw std::runtime_error(std::string("the BLAS library could not be loaded: ") +
                                 (why != nullptr ? why : k_blas_soname));
    }
    BlasLibrary lib{};
    bind(handle, "cblas_sgemm", lib.sgemm);
    bind(handle, "cblas_dgemm", lib.dgemm);
    bind(handle, "openblas_set_num_threads", lib.set_num_threads);
    bind(handle, "openblas_get_num_threads", lib.get_num_threads);
    bind(handle, "openblas_get_config", lib.get_config);
    bind(handle, "openblas_get_corename", lib.get_corename);
    return lib;
}

// The library, or why it is not there: tried once, the answer kept for every later caller.
std::variant<BlasLibrary, std::string> load_once() {
    try {
        return load();
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
}

} // namespace

const BlasLibrary& blas_library() {
    static const std::variant<BlasLibrary, std::string> loaded = load_once();
    if (const auto* why = std::get_if<std::string>(&loaded)) throw std::runtime_error(*why);
    return std::get<BlasLibrary>(loaded);
}

} // namespace detaudit::kernels
