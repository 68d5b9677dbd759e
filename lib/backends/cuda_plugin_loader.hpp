// Finding and loading the CUDA plugin (libdetaudit_cuda.so, kernels/cuda/cuda_plugin_abi.hpp) the
// first time something asks for it: the cuda backend's probe (a planned cuda cell, `detaudit env`)
// or the cpu `curand` algorithm. Until then no CUDA library is mapped.
#pragma once
#include <string>
#include <vector>

namespace detaudit {
namespace kernels {
class CudaPlugin;
}

// The environment variable naming the plugin file to load instead of searching for it.
inline constexpr const char* k_cuda_plugin_env = "DETAUDIT_CUDA_PLUGIN";

struct CudaPluginState {
    kernels::CudaPlugin* plugin = nullptr; // null when it could not be loaded
    std::string path;                      // the file loaded, or the last one tried
    std::string error; // why not: the loader's words (dlerror) or the version check's
    std::vector<std::string> searched; // the candidates, in the order tried
};

// Where the plugin is looked for, in order: $DETAUDIT_CUDA_PLUGIN (the only candidate when set);
// <directory of the executable>/../lib/detaudit/ (an install or the bundle); the build tree's
// output directory (tests and benchmarks run from their own build directories).
std::vector<std::string> cuda_plugin_candidates();

// Loads the plugin once per process from cuda_plugin_candidates() (later calls return the same
// state).
const CudaPluginState& cuda_plugin();

// Loads from `candidates` now: the first that exists decides (a broken plugin is reported, not
// skipped over); a single candidate is tried even when it does not exist, for the loader's words.
CudaPluginState load_cuda_plugin(const std::vector<std::string>& candidates);

// "loaded from PATH" or "not loaded: WHY" (for `detaudit env` and the report's environment).
std::string cuda_plugin_summary(const CudaPluginState& state);

} // namespace detaudit
