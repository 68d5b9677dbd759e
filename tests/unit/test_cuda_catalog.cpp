// The cuda backend's side of the catalog and the scenario format, testable without a GPU: which
// algorithms claim what on cuda, the cublas-only parameters, the cuda.streams axis.
#include <catch2/catch.hpp>
#include <cstring>
#include "audit/inputs.hpp"
#include "backends/cpu_backend.hpp"
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "scenario/axes.hpp"
#include "scenario/scenario_parser.hpp"

using namespace detaudit;

namespace {

std::string error_of(const std::string& ops) {
    try {
        parse_scenario_text(R"({"detaudit": 1, "operations": [)" + ops + "]}", "s.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

DesignClass class_of(const std::string& kind, const std::string& algorithm, const std::string& backend) {
    const AlgorithmSpec* a = find_algorithm(*find_kind(kind), algorithm);
    REQUIRE(a != nullptr);
    REQUIRE(a->backends.count(backend) == 1);
    return a->backends.at(backend);
}

} // namespace

TEST_CASE("cuda design classes: the CPU's fixed orders are cross_backend on both, the GPU's own weaker") {
    for (const auto& [kind, algorithm] : std::vector<std::pair<std::string, std::string>>{
             {"rng", "philox"}, {"reduce", "blocked"}, {"reduce", "reproducible"}, {"matmul", "naive"},
             {"scatter_add", "sorted"}, {"scatter_add", "reproducible"}}) {
        INFO(kind << "/" << algorithm);
        CHECK(class_of(kind, algorithm, "cpu") == DesignClass::cross_backend);
        CHECK(class_of(kind, algorithm, "cuda") == DesignClass::cross_backend);
    }
    CHECK(class_of("reduce", "atomic", "cuda") == DesignClass::not_guaranteed);
    CHECK(class_of("reduce", "tree", "cuda") == DesignClass::run_to_run);
    CHECK(class_of("reduce", "cub", "cuda") == DesignClass::run_to_run);
    CHECK(class_of("matmul", "tiled", "cuda") == DesignClass::variant_invariant);
    CHECK(class_of("matmul", "splitk_atomic", "cuda") == DesignClass::not_guaranteed);
    CHECK(class_of("matmul", "cublas", "cuda") == DesignClass::run_to_run);
    CHECK(class_of("scatter_add", "atomic", "cuda") == DesignClass::not_guaranteed);
    CHECK(class_of("elementwise", "libm", "cuda") == DesignClass::variant_invariant);
    CHECK(class_of("elementwise", "fast", "cuda") == DesignClass::variant_invariant);
    // The GPU-only algorithms have no cpu implementation to compare with.
    for (const char* a : {"tree", "cub"}) CHECK(find_algorithm(*find_kind("reduce"), a)->backends.count("cpu") == 0);
    CHECK(find_algorithm(*find_kind("rng"), "shared_state")->backends.count("cuda") == 0);
}

TEST_CASE("cuRAND's algorithms are in the catalog of every build") {
    const KindSpec& rng = *find_kind("rng");
    CHECK(class_of("rng", "curand", "cpu") == DesignClass::cross_backend);
    CHECK(class_of("rng", "curand", "cuda") == DesignClass::cross_backend);
    CHECK(class_of("rng", "curand_kernel", "cuda") == DesignClass::run_to_run);
    CHECK(error_of(R"({"id": "c", "op": "rng", "algorithm": "curand"})") == "no error");
    CHECK(find_algorithm(rng, "philox") != nullptr);
}

TEST_CASE("math and precision: cublas's parameters, normalised for it, refused elsewhere") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "operations": [
        {"id": "a", "op": "matmul", "algorithm": "cublas"},
        {"id": "b", "op": "matmul", "algorithm": "cublas", "math": "tf32", "precision": "bf16"},
        {"id": "c", "op": "matmul", "algorithm": "naive"}]})", "s.json");
    CHECK(s.operations[0].params.at("math") == "default");
    CHECK(s.operations[0].params.at("precision") == "same");
    CHECK(s.operations[1].params.at("math") == "tf32");
    CHECK(s.operations[1].params.at("precision") == "bf16");
    CHECK_FALSE(s.operations[2].params.contains("math"));
    CHECK_FALSE(s.operations[2].params.contains("precision"));

    CHECK_THAT(error_of(R"({"id": "n", "op": "matmul", "algorithm": "naive", "math": "tf32"})"),
               Catch::Contains("/operations/0/math") && Catch::Contains("only"));
    CHECK_THAT(error_of(R"({"id": "n", "op": "matmul", "algorithm": "cublas", "math": "fast"})"),
               Catch::Contains("/operations/0/math"));
    CHECK_THAT(error_of(R"({"id": "n", "op": "matmul", "algorithm": "cublas", "dtype": "f64", "precision": "f16"})"),
               Catch::Contains("/operations/0/precision") && Catch::Contains("f32"));
    CHECK_THAT(error_of(R"({"id": "n", "op": "matmul", "algorithm": "cublas", "dtype": "f64", "math": "tf32"})"),
               Catch::Contains("/operations/0/math") && Catch::Contains("f32"));
    CHECK(error_of(R"({"id": "n", "op": "matmul", "algorithm": "cublas", "dtype": "f64", "math": "pedantic"})") ==
          "no error");
}

TEST_CASE("cuda.streams: 1 to 16, default 1, a cuda axis") {
    const AxisSpec* axis = find_axis("cuda.streams");
    REQUIRE(axis != nullptr);
    CHECK(axis->backend == "cuda");
    CHECK(default_axis_value("cuda.streams") == 1);
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "backends": ["cpu", "cuda"], "vary": {"cuda.streams": [1, 4]},
        "operations": [{"id": "m", "op": "matmul", "algorithm": "cublas", "backends": ["cuda"]}]})", "s.json");
    CHECK(s.vary.at(0).name == "cuda.streams");
    for (const char* bad : {"0", "17", "\"auto\"", "2.5"}) {
        INFO(bad);
        try {
            parse_scenario_text(std::string(R"({"detaudit": 1, "vary": {"cuda.streams": [1, )") + bad +
                                    R"(]}, "operations": [{"id": "m", "op": "matmul", "algorithm": "naive"}]})",
                                "s.json");
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains("/vary/cuda.streams/1") && Catch::Contains("1 to 16"));
        }
    }
}

TEST_CASE("elementwise fast on cpu is the C library: the same bits as libm, the GPU intrinsics' reference") {
    CHECK(class_of("elementwise", "fast", "cpu") == DesignClass::variant_invariant);
    const auto output_of = [](const char* algorithm) {
        const Scenario s = parse_scenario_text(std::string(R"({"detaudit": 1, "operations": [
            {"id": "e", "op": "elementwise", "function": "gelu", "n": 1000, "algorithm": ")") + algorithm + "\"}]}",
                                               "s.json");
        const OpSpec& op = s.operations.at(0);
        const OpInputs inputs = generate_inputs(op);
        CpuBackend cpu;
        cpu.prepare(op, inputs);
        Buffer out(DType::f32, {1000});
        Variant v;
        v.settings = {{"cpu.threads", 2}};
        cpu.run(op, v, out);
        return out;
    };
    const Buffer libm = output_of("libm"), fast = output_of("fast");
    CHECK(std::memcmp(libm.data(), fast.data(), libm.bytes().size()) == 0);
}
