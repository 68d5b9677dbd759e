// The CUDA plugin's loader (lib/backends/cuda_plugin_loader): what it says when the plugin is
// missing or is not a detaudit plugin, and that the plugin this build made loads and answers
// without a GPU. Built with the CUDA toolkit only.
#include "backends/cuda_backend.hpp"
#include "backends/cuda_plugin_loader.hpp"
#include "kernels/cuda/cuda_plugin_abi.hpp"
#include <catch2/catch.hpp>
#include <string>

using namespace detaudit;

TEST_CASE("cuda plugin: a missing file is reported in the loader's words") {
    const CudaPluginState s = load_cuda_plugin({"/nonexistent/libdetaudit_cuda.so"});
    CHECK(s.plugin == nullptr);
    CHECK(s.path == "/nonexistent/libdetaudit_cuda.so");
    CHECK_THAT(s.error, Catch::Contains("/nonexistent/libdetaudit_cuda.so") &&
                            Catch::Contains("cannot open shared object file"));
    CHECK_THAT(cuda_plugin_summary(s), Catch::StartsWith("not loaded: "));
}

TEST_CASE("cuda plugin: among several candidates, missing ones are listed and the variable named") {
    const CudaPluginState s = load_cuda_plugin({"/nonexistent/a.so", "/nonexistent/b.so"});
    CHECK(s.plugin == nullptr);
    CHECK_THAT(s.error, Catch::StartsWith("no CUDA plugin found") &&
                            Catch::Contains("/nonexistent/a.so: no such file") &&
                            Catch::Contains("/nonexistent/b.so: no such file") &&
                            Catch::Contains(k_cuda_plugin_env));
}

TEST_CASE("cuda plugin: a shared library that is not a detaudit plugin is refused") {
    // libcurand: a real shared library (linked into this test for its reference values) without
    // the plugin's entry points.
    const CudaPluginState s = load_cuda_plugin({DETAUDIT_TEST_NOT_A_PLUGIN});
    CHECK(s.plugin == nullptr);
    CHECK_THAT(s.error, Catch::Contains("is not a detaudit CUDA plugin"));
}

TEST_CASE("cuda plugin: the build's plugin loads, checks its ABI and answers without a GPU") {
    const CudaPluginState s = load_cuda_plugin({DETAUDIT_CUDA_PLUGIN_FILE});
    INFO(s.error);
    REQUIRE(s.plugin != nullptr);
    CHECK(s.error.empty());
    CHECK_THAT(cuda_plugin_summary(s),
               Catch::StartsWith("loaded from ") && Catch::Contains("libdetaudit_cuda.so"));
    const kernels::CudaLibraryVersions v = s.plugin->library_versions();
    CHECK(v.loaded_cublas > 0);
    CHECK(v.built_curand > 0);
    const kernels::CudaProbeResult r = s.plugin->probe();
    if (!r.available) CHECK_FALSE(r.reason.empty());
}

TEST_CASE("cuda backend: the probe names the plugin it loaded") {
    CudaBackend cuda;
    const BackendProbe p = cuda.probe();
    CHECK_THAT(p.environment.at("plugin").get<std::string>(), Catch::StartsWith("loaded from "));
}
