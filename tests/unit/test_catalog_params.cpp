// The catalog's claims as functions of parameters and of the build, and the range of every
// numeric setting: design classes capped by parameters (rng normal draws), cuRAND's algorithms
// in every build's catalog, integers checked before narrowing, inputs that must fit their dtype,
// axes that apply to no operation, the OpenMP team size.
#include <catch2/catch.hpp>
#include "audit/expectations.hpp"
#include "backends/cpu_backend.hpp"
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "kernels/cpu/cpu_settings.hpp"
#include "report/thread_note.hpp"
#include "scenario/axes.hpp"
#include "scenario/axis_use.hpp"
#include "scenario/scenario_parser.hpp"
#include "scenario_errors.hpp"

using namespace detaudit;

namespace {

using test::error_of;

std::string op_error(const std::string& op) { return error_of(R"({"detaudit": 1, "operations": [)" + op + "]}"); }

DesignClass class_for(const std::string& algorithm, const std::string& backend, const std::string& distribution) {
    const AlgorithmSpec* a = find_algorithm(*find_kind("rng"), algorithm);
    REQUIRE(a != nullptr);
    return design_class(*a, backend, {{"distribution", distribution}, {"dtype", "f32"}});
}

OperationReport rng_report(const std::string& distribution, bool cross_differs) {
    OperationReport op;
    op.id = "r";
    op.kind = "rng";
    op.algorithm = "philox";
    op.parameters = {{"distribution", distribution}, {"count", 4}, {"dtype", "f32"}};
    for (const char* backend : {"cpu", "cuda"}) {
        Cell c;
        c.backend = backend;
        c.variant = "base";
        c.runs = 2;
        op.cells.push_back(c);
    }
    CellComparison cross;
    cross.axis = "cross_backend";
    cross.backend = "cpu~cuda";
    cross.reference = "cpu/base";
    cross.other = "cuda/base";
    cross.diff.identical = !cross_differs;
    cross.diff.elements = 4;
    cross.diff.differing_elements = cross_differs ? 1 : 0;
    cross.diff.max_ulp = cross_differs ? 1 : 0;
    op.cross_backend.push_back(cross);
    return op;
}

} // namespace

TEST_CASE("rng normal draws claim variant_invariant, not cross_backend: each backend's own log/sin/cos") {
    for (const char* algorithm : {"philox", "curand"}) {
        INFO(algorithm);
        for (const char* backend : {"cpu", "cuda"}) {
            CHECK(class_for(algorithm, backend, "uniform") == DesignClass::cross_backend);
            CHECK(class_for(algorithm, backend, "normal") == DesignClass::variant_invariant);
        }
    }
    // A cap never raises a claim.
    CHECK(class_for("shared_state", "cpu", "normal") == DesignClass::not_guaranteed);
    CHECK(class_for("curand_kernel", "cuda", "normal") == DesignClass::run_to_run);
    // The condition is data, for `detaudit ops --json`.
    const nlohmann::json kinds = catalog_to_json();
    const auto rng = std::find_if(kinds.begin(), kinds.end(), [](const nlohmann::json& k) { return k["kind"] == "rng"; });
    REQUIRE(rng != kinds.end());
    const auto philox = std::find_if((*rng)["algorithms"].begin(), (*rng)["algorithms"].end(),
                                     [](const nlohmann::json& a) { return a["name"] == "philox"; });
    REQUIRE((*philox).contains("weaker_when"));
    CHECK((*philox)["weaker_when"][0]["param"] == "distribution");
    CHECK((*philox)["weaker_when"][0]["value"] == "normal");
    CHECK((*philox)["weaker_when"][0]["at_most"] == "variant_invariant");
}

TEST_CASE("classify: a cpu~cuda difference of normal draws is no design contradiction; of uniform draws it is") {
    OperationReport normal = rng_report("normal", true);
    classify(normal);
    CHECK(normal.design_class.at("cpu") == "variant_invariant");
    CHECK(normal.design_class.at("cuda") == "variant_invariant");
    CHECK(normal.design_contradictions.empty());

    OperationReport uniform = rng_report("uniform", true);
    classify(uniform);
    CHECK(uniform.design_class.at("cpu") == "cross_backend");
    REQUIRE(uniform.design_contradictions.size() == 1);
    CHECK_THAT(uniform.design_contradictions[0], Catch::Contains("designed cross_backend"));
}

TEST_CASE("cuRAND's algorithms are in every build's catalog; a build without the toolkit skips their cpu cells") {
    const KindSpec& rng = *find_kind("rng");
    REQUIRE(find_algorithm(rng, "curand") != nullptr);
    REQUIRE(find_algorithm(rng, "curand_kernel") != nullptr);
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "backends": ["cpu", "cuda"], "operations": [
        {"id": "c", "op": "rng", "algorithm": "curand", "offset": 4},
        {"id": "k", "op": "rng", "algorithm": "curand_kernel"}]})", "s.json");
    CHECK(s.operations.at(0).params.at("offset") == 4);
    CpuBackend cpu;
    CHECK(unavailable_reason("rng", "curand_kernel", "cpu") == "rng/curand_kernel is not implemented on cpu");
    CHECK_FALSE(cpu.supports(s.operations.at(1)));
#if DETAUDIT_WITH_CUDA
    CHECK(unavailable_reason("rng", "curand", "cpu").empty());
    CHECK(cpu.supports(s.operations.at(0)));
#else
    CHECK_THAT(unavailable_reason("rng", "curand", "cpu"),
               Catch::StartsWith("unavailable: rng/curand on cpu") && Catch::Contains("CUDA toolkit"));
    CHECK_FALSE(cpu.supports(s.operations.at(0)));
#endif
    CHECK(unavailable_reason("rng", "philox", "cpu").empty());
}

TEST_CASE("integer settings are range-checked before they are narrowed") {
    const auto vary = [](const std::string& axis, const std::string& value) {
        return error_of(R"({"detaudit": 1, "backends": ["cuda"], "vary": {")" + axis + R"(": ["auto", )" + value +
                        R"(]}, "operations": [{"id": "m", "op": "reduce", "algorithm": "tree"}]})");
    };
    CHECK_THAT(vary("cuda.grid_size", "3000000000"),
               Catch::Contains("/vary/cuda.grid_size/1") && Catch::Contains("2147483647"));
    CHECK_THAT(vary("cuda.grid_size", "18446744073709551615"), Catch::Contains("/vary/cuda.grid_size/1"));
    CHECK(vary("cuda.grid_size", "2147483647") == "no error");
    CHECK_THAT(vary("cuda.block_size", "4294967328"), Catch::Contains("/vary/cuda.block_size/1")); // 2^32 + 32
    CHECK_THAT(error_of(R"({"detaudit": 1, "vary": {"cpu.threads": [1, 4294967298]},
        "operations": [{"id": "a", "op": "reduce", "algorithm": "blocked"}]})"), Catch::Contains("/vary/cpu.threads/1"));
    // Unsigned values above 2^63 are not read as negative numbers: the message says what is wrong.
    CHECK_THAT(op_error(R"({"id": "a", "op": "reduce", "algorithm": "blocked", "n": 18446744073709551615})"),
               Catch::Contains("/operations/0/n") && Catch::Contains("at most 2^40"));
    CHECK(op_error(R"({"id": "c", "op": "rng", "algorithm": "curand", "offset": 18446744073709551615})") == "no error");
    CHECK_THAT(op_error(R"({"id": "c", "op": "rng", "algorithm": "curand", "offset": -1})"),
               Catch::Contains("/operations/0/offset"));
    CHECK_THAT(op_error(R"({"id": "a", "op": "reduce", "algorithm": "blocked", "runs": 18446744073709551615})"),
               Catch::Contains("/operations/0/runs") && Catch::Contains("1 to 1000000"));
    CHECK_THAT(op_error(R"({"id": "a", "op": "reduce", "algorithm": "blocked",
                            "expect": {"run_to_run": {"max_ulp": 18446744073709551615}}})"),
               Catch::Contains("/operations/0/expect/run_to_run/max_ulp") && Catch::Contains("2^53"));
    CHECK(op_error(R"({"id": "a", "op": "reduce", "algorithm": "blocked",
                       "expect": {"run_to_run": {"max_ulp": 9007199254740992}}})") == "no error");
    CHECK_THAT(op_error(R"({"id": "s", "op": "scatter_add", "algorithm": "sorted",
                            "index": {"distribution": "hot", "hot_bins": 9223372036854775809}})"),
               Catch::Contains("/operations/0/index/hot_bins") && Catch::Contains("only 1024 bins"));
}

TEST_CASE("input distributions must give finite values of the op's dtype") {
    const auto reduce = [](const std::string& dtype, const std::string& input) {
        return op_error(R"({"id": "r", "op": "reduce", "algorithm": "sequential", "dtype": ")" + dtype +
                        R"(", "input": )" + input + "}");
    };
    CHECK_THAT(reduce("f32", R"({"low": -3e38, "high": 3e38})"),
               Catch::Contains("/operations/0/input/high") && Catch::Contains("overflows f32"));
    CHECK_THAT(reduce("f64", R"({"low": -1e308, "high": 1e308})"),
               Catch::Contains("/operations/0/input/high") && Catch::Contains("overflows f64"));
    CHECK(reduce("f64", R"({"low": -3e38, "high": 3e38})") == "no error");
    CHECK(reduce("f32", R"({"low": -1.7e38, "high": 1.7e38})") == "no error");
    CHECK_THAT(reduce("f32", R"({"low": -1e39, "high": -1e38})"), Catch::Contains("/operations/0/input/low"));
    CHECK_THAT(reduce("f32", R"({"distribution": "normal", "mean": 3e38, "stddev": 1e37})"),
               Catch::Contains("/operations/0/input/stddev"));
    CHECK_THAT(reduce("f32", R"({"distribution": "cancelling", "magnitude": 1e39})"),
               Catch::Contains("/operations/0/input/magnitude"));
    // pow's exponents too, and a bad range inherited from /defaults is reported there.
    CHECK_THAT(op_error(R"({"id": "e", "op": "elementwise", "algorithm": "libm", "function": "pow",
                            "exponent": {"low": -3e38, "high": 3e38}})"),
               Catch::Contains("/operations/0/exponent/high"));
    CHECK_THAT(error_of(R"({"detaudit": 1, "defaults": {"input": {"low": -3e38, "high": 3e38}},
        "operations": [{"id": "r", "op": "reduce", "algorithm": "sequential"}]})"),
               Catch::Contains("/defaults/input/high"));
}

TEST_CASE("a varied axis that applies to no operation is reported") {
    const Scenario exec_only = parse_scenario_text(R"({"detaudit": 1, "vary": {"cpu.threads": [1, 2]},
        "operations": [{"id": "p", "op": "exec", "command": ["true"], "outputs": ["x"]}]})", "s.json");
    const auto warnings = unused_axis_warnings(exec_only);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::StartsWith("s.json: /vary/cpu.threads: applies to no operation"));
    CHECK(used_backends(exec_only) == std::vector<std::string>{"host"});

    const Scenario used = parse_scenario_text(R"({"detaudit": 1, "vary": {"cpu.threads": [1, 2], "env.X": ["a", null]},
        "operations": [{"id": "p", "op": "exec", "command": ["true"], "outputs": ["x"]},
                       {"id": "r", "op": "reduce", "algorithm": "blocked"}]})", "s.json");
    CHECK(unused_axis_warnings(used).empty());

    const Scenario env_unused = parse_scenario_text(R"({"detaudit": 1, "vary": {"env.X": ["a", null]},
        "operations": [{"id": "r", "op": "reduce", "algorithm": "blocked"}]})", "s.json");
    REQUIRE(unused_axis_warnings(env_unused).size() == 1);
    CHECK_THAT(unused_axis_warnings(env_unused)[0], Catch::Contains("/vary/env.X"));
}

TEST_CASE("the OpenMP team size is measured, and a smaller team than asked for is noted") {
    CHECK(kernels::openmp_team_size(1) == 1);
    CHECK(kernels::openmp_team_size(3) >= 1);
    CpuBackend cpu;
    Variant v;
    v.settings = {{"cpu.threads", 2}};
    const auto threads = cpu.threads(v);
    REQUIRE(threads);
    CHECK(threads->requested == 2);

    AuditReport report;
    OperationReport op;
    Cell c;
    c.backend = "cpu";
    c.threads = ThreadCount{4, 4};
    op.cells.push_back(c);
    report.operations.push_back(op);
    CHECK(thread_shortfall_note(report).empty());
    report.operations[0].cells[0].threads = ThreadCount{4, 1};
    report.environment["numerics_env"] = {{"OMP_THREAD_LIMIT", "1"}};
    const std::string note = thread_shortfall_note(report);
    CHECK_THAT(note, Catch::StartsWith("note: OpenMP gave 1 cell fewer threads than cpu.threads asked for"));
    CHECK_THAT(note, Catch::Contains("4 -> 1") && Catch::Contains("OMP_THREAD_LIMIT=1"));
}
