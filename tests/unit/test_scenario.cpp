// Scenario parsing: defaults, overrides, variants, expectations, and JSON-pointer errors.
#include <catch2/catch.hpp>
#include "common/error.hpp"
#include "scenario/axes.hpp"
#include "scenario/scenario_parser.hpp"
#include "scenario_errors.hpp"

using namespace detaudit;

namespace {
using test::error_of;
} // namespace

TEST_CASE("a minimal scenario gets the documented defaults") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "operations": [
        {"id": "a", "op": "reduce", "algorithm": "blocked"}]})", "dir/min.json");
    CHECK(s.name == "min");
    CHECK(s.seed == 0);
    CHECK(s.runs == 5);
    CHECK(s.backends == std::vector<std::string>{"cpu"});
    const OpSpec& op = s.operations.at(0);
    CHECK(op.params["n"] == 1048576);
    CHECK(op.params["dtype"] == "f32");
    CHECK(op.params["input"]["distribution"] == "uniform");
    CHECK(op.params["input"]["low"] == -1.0);
    CHECK(effective_expectation(op, "run_to_run", false).kind == Expectation::Kind::identical);
    CHECK(effective_expectation(op, "across_variants", false).kind == Expectation::Kind::any);
    CHECK(effective_expectation(op, "across_variants", true).kind == Expectation::Kind::identical);
    CHECK(s.file_digest.size() == 32);
}

TEST_CASE("defaults apply to ops whose kind has the parameter; op values override") {
    const Scenario s = parse_scenario_text(R"({"detaudit": 1, "seed": 7, "runs": 3,
        "defaults": {"dtype": "f64", "n": 100, "runs": 4, "expect": {"across_variants": "identical"}},
        "operations": [
          {"id": "r", "op": "rng", "algorithm": "philox", "seed": 9},
          {"id": "s", "op": "reduce", "algorithm": "kahan", "n": 5, "runs": 2,
           "expect": {"across_variants": {"max_ulp": 4}}}]})", "s.json");
    const OpSpec& rng = s.operations[0];
    CHECK(rng.params["dtype"] == "f64");
    CHECK_FALSE(rng.params.contains("n"));
    CHECK(rng.seed == 9);
    CHECK(rng.runs == 4);
    CHECK(rng.expect.at("across_variants").kind == Expectation::Kind::identical);
    const OpSpec& sum = s.operations[1];
    CHECK(sum.params["n"] == 5);
    CHECK(sum.seed == 7);
    CHECK(sum.runs == 2);
    CHECK(sum.expect.at("across_variants").kind == Expectation::Kind::tolerance);
    CHECK(*sum.expect.at("across_variants").max_ulp == 4);
}

TEST_CASE("variants: base plus one axis at a time, or the product") {
    std::vector<VaryAxis> vary = {{"cpu.threads", {2, 1, 8}}, {"cpu.schedule", {"static", "dynamic"}}};
    const auto linear = make_variants(vary, false);
    REQUIRE(linear.size() == 4);
    CHECK(linear[0].name == "base");
    CHECK(linear[0].settings["cpu.threads"] == 2);
    CHECK(linear[1].name == "cpu.threads=1");
    CHECK(linear[2].name == "cpu.threads=8");
    CHECK(linear[3].name == "cpu.schedule=dynamic");
    CHECK(linear[3].changed_axes == std::vector<std::string>{"cpu.schedule"});
    const auto product = make_variants(vary, true);
    REQUIRE(product.size() == 6);
    CHECK(product[0].name == "base");
    CHECK(product.back().name == "cpu.threads=8,cpu.schedule=dynamic");
    CHECK(variant_applies_to(product.back(), "cpu"));
    CHECK_FALSE(variant_applies_to(product.back(), "cuda"));
    CHECK(variant_applies_to(product[0], "cuda"));
}

TEST_CASE("errors name the JSON pointer and what was expected") {
    CHECK(error_of(R"({"detaudit": 1, "operations": [{"id": "a", "op": "reduce", "algorithm": "blocked", "n": -5}]})") ==
          "s.json: /operations/0/n: expected a positive integer, got -5");
    CHECK(error_of("{\n  \"detaudit\": 1,\n  oops\n}").rfind("s.json:3:3: malformed JSON", 0) == 0);
    CHECK(error_of(R"({"detaudit": 1, "operations": [{"id": "a", "op": "reduce", "algorithm": "fast"}]})")
              .find("/operations/0/algorithm: expected an algorithm of reduce (sequential, pairwise") != std::string::npos);
    CHECK(error_of(R"({"detaudit": 1, "operations": [{"id": "a", "op": "sort", "algorithm": "x"}]})")
              .find("expected an operation kind (rng, reduce, matmul, scatter_add, elementwise or exec)") != std::string::npos);
    CHECK(error_of(R"({"detaudit": 1, "colour": 1, "operations": []})").find("/colour: unknown key") != std::string::npos);
    CHECK(error_of(R"({"detaudit": 1, "vary": {"cpu.threads": [0]}, "operations": [{"id": "a", "op": "rng", "algorithm": "philox"}]})")
              .find("/vary/cpu.threads/0: expected a thread count") != std::string::npos);
    CHECK(error_of(R"({"detaudit": 1, "operations": [{"id": "a", "op": "rng", "algorithm": "philox"}, {"id": "a", "op": "rng", "algorithm": "philox"}]})")
              .find("/operations/1/id: duplicate id") != std::string::npos);
    CHECK(error_of(R"({"detaudit": 1, "operations": [{"id": "a", "op": "reduce", "algorithm": "blocked", "expect": {"run_to_run": {"max_ulps": 1}}}]})")
              .find("/operations/0/expect/run_to_run/max_ulps: unknown tolerance key") != std::string::npos);
    CHECK(error_of(R"({"detaudit": 2, "operations": []})").find("/detaudit: expected format version 1") != std::string::npos);
}

TEST_CASE("each axis's value check says what it expects, from the axis's data") {
    const auto message_of = [](const std::string& axis, const nlohmann::json& value) -> std::string {
        try {
            validate_axis_value(*find_axis(axis), value, "/vary/" + axis + "/0", ScenarioErrors("s.json"));
        } catch (const Error& e) {
            return e.what();
        }
        return "accepted";
    };
    CHECK(message_of("cpu.threads", 1024) == "accepted");
    CHECK(message_of("cpu.threads", 3000000000ull) ==
          "s.json: /vary/cpu.threads/0: expected a thread count from 1 to 1024, got 3000000000");
    CHECK(message_of("cpu.schedule", "guided") == "accepted");
    CHECK(message_of("cpu.schedule", "auto") ==
          "s.json: /vary/cpu.schedule/0: expected \"static\", \"dynamic\" or \"guided\", got \"auto\"");
    CHECK(message_of("cuda.block_size", "auto") == "accepted");
    CHECK(message_of("cuda.block_size", 96) == "accepted");
    CHECK(message_of("cuda.block_size", 100) ==
          "s.json: /vary/cuda.block_size/0: expected \"auto\" or a block size from 32 to 1024 in steps of 32, got 100");
    CHECK(message_of("cuda.grid_size", 2147483648ull) ==
          "s.json: /vary/cuda.grid_size/0: expected \"auto\" or a grid size from 1 to 2147483647 (CUDA's limit), got "
          "2147483648");
    CHECK(message_of("cuda.streams", 17) == "s.json: /vary/cuda.streams/0: expected a stream count from 1 to 16, got 17");
    CHECK(message_of("env.OMP_NUM_THREADS", nullptr) == "accepted");
    CHECK(message_of("env.OMP_NUM_THREADS", 4) ==
          "s.json: /vary/env.OMP_NUM_THREADS/0: expected a string (the variable's value) or null (unset), got 4");
    CHECK(default_axis_value("cpu.schedule") == "static");
    CHECK(default_axis_value("cuda.streams") == 1);
    CHECK(default_axis_value("env.OMP_NUM_THREADS").is_null());
}
