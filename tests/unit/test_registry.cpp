// The algorithm registry: every algorithm the catalog declares for a backend is bound to that
// backend's kernel by name, and the binding runs the kernel it names.
#include <catch2/catch.hpp>
#include <cstring>
#include "audit/inputs.hpp"
#include "backends/cpu_backend.hpp"
#include "catalog/catalog.hpp"
#include "kernels/common/op_enums.hpp"
#include "kernels/cpu/reduce_cpu.hpp"
#include "scenario/scenario_parser.hpp"

using namespace detaudit;

namespace {

OpSpec op_of(const std::string& kind, const std::string& algorithm, const std::string& params = "") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "operations": [{"id": "o", "op": ")" + kind +
                                               R"(", "algorithm": ")" + algorithm + "\"" + params + "}]}",
                                           "registry.json");
    return s.operations.at(0);
}

std::string small_params(const std::string& kind) {
    if (kind == "reduce" || kind == "elementwise") return R"(, "n": 1000)";
    if (kind == "rng") return R"(, "count": 1000)";
    if (kind == "matmul") return R"(, "m": 8, "n": 8, "k": 8)";
    if (kind == "scatter_add") return R"(, "n": 1000, "bins": 16)";
    return "";
}

} // namespace

TEST_CASE("every algorithm the catalog gives the cpu backend is bound to a cpu kernel and runs") {
    for (const KindSpec& kind : catalog()) {
        if (kind.name == "exec") continue; // the host backend runs programs, not kernels
        for (const AlgorithmSpec& algorithm : kind.algorithms) {
            if (!algorithm.backends.count("cpu")) continue;
            const OpSpec op = op_of(kind.name, algorithm.name, small_params(kind.name));
            CpuBackend cpu;
            if (!cpu.supports(op)) { // the cpu curand without the CUDA toolkit
                CHECK(algorithm.missing_in_build.count("cpu"));
                continue;
            }
            INFO(kind.name + "/" + algorithm.name);
            const OpInputs inputs = generate_inputs(op);
            cpu.prepare(op, inputs);
            Buffer first(output_dtype(op.kind, op.params), output_shape(op.kind, op.params));
            Buffer second(output_dtype(op.kind, op.params), output_shape(op.kind, op.params));
            Variant one_thread;
            one_thread.settings = {{"cpu.threads", 1}};
            CHECK(cpu.run(op, one_thread, first) >= 0);
            cpu.run(op, one_thread, second);
            // Same thread count, same inputs: every cpu kernel repeats itself on one thread.
            CHECK(std::memcmp(first.data(), second.data(), first.size_bytes()) == 0);
        }
    }
}

TEST_CASE("a reduce binding runs the kernel of its name") {
    const std::vector<double> x = {1e16, 1.0, -1e16, 1.0};
    const kernels::CpuSettings one{};
    const auto* kahan = kernels::find_cpu_reduce_kernel("kahan");
    const auto* sequential = kernels::find_cpu_reduce_kernel("sequential");
    REQUIRE(kahan);
    REQUIRE(sequential);
    CHECK(kahan->f64(x.data(), x.size(), one) == kernels::reduce_kahan(x.data(), x.size()));
    CHECK(sequential->f64(x.data(), x.size(), one) == ((1e16 + 1.0) + -1e16) + 1.0);
    CHECK(kernels::find_cpu_reduce_kernel("tree") == nullptr); // cuda only
}

TEST_CASE("each algorithm enum names the catalog's cuda algorithms of its kind") {
    const auto names_of = [](const std::string& kind) {
        std::vector<std::string> names;
        for (const auto& a : find_kind(kind)->algorithms)
            if (a.backends.count("cuda")) names.push_back(a.name);
        return names;
    };
    for (const auto& name : names_of("reduce")) CHECK(kernels::algorithm_named<kernels::ReduceAlgorithm>(name));
    for (const auto& name : names_of("rng")) CHECK(kernels::algorithm_named<kernels::RngAlgorithm>(name));
    for (const auto& name : names_of("matmul")) CHECK(kernels::algorithm_named<kernels::MatmulAlgorithm>(name));
    for (const auto& name : names_of("scatter_add")) CHECK(kernels::algorithm_named<kernels::ScatterAlgorithm>(name));
    for (const auto& name : names_of("elementwise"))
        CHECK(kernels::algorithm_named<kernels::ElementwiseAlgorithm>(name));
    CHECK_FALSE(kernels::algorithm_named<kernels::ReduceAlgorithm>("no_such"));
}
