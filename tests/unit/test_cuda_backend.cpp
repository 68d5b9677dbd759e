// The cuda backend adapter where no GPU is needed to test it (built with the CUDA toolkit only):
// the fingerprint's library versions and notes, and failures turned into runtime Errors (cell
// errors, exit 4) rather than aborts. On a machine with a GPU the device-less checks are skipped;
// tests/gpu covers the rest.
#include <catch2/catch.hpp>
#include <cstdlib>
#include "backends/cuda_backend.hpp"
#include "common/error.hpp"
#include "scenario/scenario_parser.hpp"

using namespace detaudit;

TEST_CASE("cuda probe: library versions without a GPU, the runtime's reason when unavailable") {
    CudaBackend cuda;
    const BackendProbe p = cuda.probe();
    CHECK(p.environment.at("cublas_version") != "unknown");
    CHECK(p.environment.at("curand_version") != "unknown");
    CHECK(p.environment.contains("runtime_version"));
    CHECK(p.environment.contains("driver_version"));
    // Built against (the headers) and loaded (the library files this process mapped).
    CHECK(p.environment.at("cublas_built") != "unknown");
    CHECK(p.environment.at("curand_built") != "unknown");
    CHECK_THAT(p.environment.at("cublas_library").get<std::string>(), Catch::Contains("libcublas.so"));
    CHECK_THAT(p.environment.at("curand_library").get<std::string>(), Catch::Contains("libcurand.so"));
    if (p.environment.at("cublas_built") != p.environment.at("cublas_version"))
        CHECK(p.environment.contains("library_note"));
    if (p.environment.at("driver_version").get<std::string>().rfind("none", 0) == 0) {
        // No driver: said as such, with the loader's reason, not as "insufficient driver version".
        CHECK_THAT(p.reason, Catch::StartsWith("no NVIDIA driver: ") && Catch::Contains("libcuda.so.1"));
        CHECK(p.environment.at("driver_version") == "none: " + p.reason);
    }
    if (!p.available) {
        CHECK_FALSE(p.reason.empty());
        CHECK_FALSE(p.environment.contains("gpu"));
    } else {
        CHECK(p.environment.at("gpu").contains("mig"));
    }
}

TEST_CASE("cuda probe: a note when CUBLAS_WORKSPACE_CONFIG is set") {
    CudaBackend cuda;
    ::unsetenv("CUBLAS_WORKSPACE_CONFIG");
    CHECK_FALSE(cuda.probe().environment.contains("note"));
    ::setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 1);
    const BackendProbe p = cuda.probe();
    ::unsetenv("CUBLAS_WORKSPACE_CONFIG");
    REQUIRE(p.environment.contains("note"));
    CHECK_THAT(p.environment.at("note").get<std::string>(), Catch::Contains("CUBLAS_WORKSPACE_CONFIG=:4096:8"));
}

TEST_CASE("cuda backend without a device: prepare and run fail with a runtime Error naming the call") {
    CudaBackend cuda;
    if (cuda.probe().available) return; // a GPU is present: tests/gpu runs the kernels
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "operations": [
        {"id": "r", "op": "reduce", "algorithm": "cub", "n": 16}]})", "s.json");
    const OpSpec& op = s.operations.at(0);
    CHECK(cuda.supports(op));
    OpInputs inputs;
    inputs.buffers.emplace_back(DType::f32, std::vector<std::size_t>{16});
    try {
        cuda.prepare(op, inputs);
        FAIL("prepare succeeded without a device");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::runtime);
        CHECK_THAT(e.what(), Catch::StartsWith("cuda backend: cudaSetDevice: "));
    }
    Buffer out(DType::f32, {});
    Variant v;
    CHECK_THROWS_AS(cuda.run(op, v, out), Error);
}
