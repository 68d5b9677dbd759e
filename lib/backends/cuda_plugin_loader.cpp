#include "cuda_plugin_loader.hpp"
#include "kernels/cuda/cuda_plugin_abi.hpp"
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <unistd.h>

#ifndef DETAUDIT_VERSION
#define DETAUDIT_VERSION "0.0.0"
#endif
#ifndef DETAUDIT_CUDA_PLUGIN_NAME
#define DETAUDIT_CUDA_PLUGIN_NAME "libdetaudit_cuda.so"
#endif

namespace detaudit {
namespace {

std::string executable_directory() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::string loader_error(const char* fallback) {
    const char* error = dlerror();
    return error ? error : fallback;
}

// Opens `path` and checks that it is a plugin of this detaudit; fills `state` either way.
bool try_load(const std::string& path, CudaPluginState& state) {
    state.path = path;
    // RTLD_LOCAL: the plugin's symbols (and the CUDA libraries') stay out of the global scope.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        state.error = loader_error("dlopen failed");
        return false;
    }
    using AbiVersion = int (*)();
    using DetauditVersion = const char* (*)();
    using Instance = kernels::CudaPlugin* (*)();
    const auto abi =
        reinterpret_cast<AbiVersion>(dlsym(handle, "detaudit_cuda_plugin_abi_version"));
    const auto version =
        reinterpret_cast<DetauditVersion>(dlsym(handle, "detaudit_cuda_plugin_detaudit_version"));
    const auto instance = reinterpret_cast<Instance>(dlsym(handle, "detaudit_cuda_plugin"));
    if (!abi || !version || !instance) {
        state.error =
            path + " is not a detaudit CUDA plugin (" + loader_error("a symbol is missing") + ")";
    } else if (abi() != kernels::k_cuda_plugin_abi_version) {
        state.error = path + " has plugin ABI " + std::to_string(abi()) +
                      ", this detaudit needs ABI " +
                      std::to_string(kernels::k_cuda_plugin_abi_version);
    } else if (std::string(version()) != DETAUDIT_VERSION) {
        state.error =
            path + " was built for detaudit " + version() + ", this is detaudit " DETAUDIT_VERSION;
    } else {
        state.plugin = instance();
        state.error.clear();
        return true; // never closed: the plugin's objects live until the process exits
    }
    dlclose(handle);
    return false;
}

} // namespace

CudaPluginState load_cuda_plugin(const std::vector<std::string>& candidates) {
    CudaPluginState state;
    state.searched = candidates;
    std::string errors;
    for (const auto& path : state.searched) {
        // A candidate that does not exist is only worth naming when nothing else is found.
        if (state.searched.size() > 1 && access(path.c_str(), F_OK) != 0) {
            errors += (errors.empty() ? "" : "; ") + path + ": no such file";
            continue;
        }
        // The first file found decides: a broken plugin is reported, not skipped over.
        if (try_load(path, state)) state.path = std::filesystem::weakly_canonical(path).string();
        return state;
    }
    state.error =
        "no CUDA plugin found (" + errors + "; set " + k_cuda_plugin_env + " to its path)";
    return state;
}

std::vector<std::string> cuda_plugin_candidates() {
    if (const char* forced = std::getenv(k_cuda_plugin_env); forced && *forced) return {forced};
    std::vector<std::string> candidates;
    if (const std::string dir = executable_directory(); !dir.empty())
        candidates.push_back(dir + "/../lib/detaudit/" DETAUDIT_CUDA_PLUGIN_NAME);
#ifdef DETAUDIT_CUDA_PLUGIN_BUILD_PATH
    candidates.push_back(DETAUDIT_CUDA_PLUGIN_BUILD_PATH);
#endif
    return candidates;
}

const CudaPluginState& cuda_plugin() {
    static std::once_flag once;
    static CudaPluginState state;
    std::call_once(once, [] { state = load_cuda_plugin(cuda_plugin_candidates()); });
    return state;
}

std::string cuda_plugin_summary(const CudaPluginState& state) {
    return state.plugin ? "loaded from " + state.path : "not loaded: " + state.error;
}

} // namespace detaudit
