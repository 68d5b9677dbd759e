// report_text's operation_texts (what `merge` copies operations from) against an independent
// oracle, nlohmann::json's parse of each piece; and render_json with those texts against
// render_json of the model.
#include "common/parallel_each.hpp"
#include "report/json_reporter.hpp"
#include "report/report_reader.hpp"
#include "report/report_text.hpp"
#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

using namespace detaudit;

namespace {

// A report with what can trip a scanner: brackets, braces, commas and escaped quotes inside
// strings, nested arrays, numbers before ']' and '}'.
AuditReport tricky_report() {
    AuditReport r;
    r.tool = {{"name", "detaudit"}};
    r.scenario = {{"name", "a \"quoted\" ]}, name"}, {"scenario_digest", "d"}};
    r.started_at = "2026-12-01T00:00:00Z";
    r.environment = {{"list", {1, 2, {3, 4}}}};
    for (int i = 0; i < 4; ++i) {
        OperationReport op;
        op.id = "op" + std::to_string(i) + "\\\"]},[{";
        op.kind = "reduce";
        op.algorithm = "blocked";
        op.description = i % 2 ? "ends with a backslash \\" : "";
        op.parameters = {{"n", i}, {"nested", {{"a", {1, 2, 3}}}}};
        Cell c;
        c.backend = "cpu";
        c.variant = "base";
        c.digests = {"ab", "cd"};
        c.output_dtype = "f32";
        c.output_shape = {2, 3};
        op.cells.push_back(c);
        r.operations.push_back(op);
    }
    return r;
}

} // namespace

TEST_CASE("operation_texts: each operation's text, as a parser reads it") {
    const AuditReport report = tricky_report();
    const std::string pretty = render_json(report);
    const nlohmann::json whole = nlohmann::json::parse(pretty);
    for (const std::string& text : {pretty, whole.dump(), whole.dump(7)}) {
        const auto ops = operation_texts(text);
        REQUIRE(ops);
        REQUIRE(ops->size() == 4);
        for (std::size_t i = 0; i < ops->size(); ++i)
            CHECK(nlohmann::json::parse((*ops)[i]) == whole["operations"][i]);
    }
    SECTION("render_json copies them to the same bytes it renders") {
        const auto ops = operation_texts(pretty);
        REQUIRE(ops);
        CHECK(render_json(report, *ops) == pretty);
        CHECK(render_json(report, {}) == pretty); // no texts: rendered
    }
    SECTION("no operations, and no report") {
        CHECK(operation_texts(R"({"operations": []})")->empty());
        CHECK(operation_texts(R"({"a": {"operations": [1]}, "operations": [ 2 , {"b": "]"} ]})")
                  ->size() == 2);
        CHECK_FALSE(operation_texts(R"({"a": 1})"));
        CHECK_FALSE(operation_texts("[1]"));
        CHECK_FALSE(operation_texts(R"({"operations": {}})"));
    }
}

TEST_CASE("parallel_each: every job once; the lowest failing job's exception") {
    std::vector<std::atomic<int>> ran(1000);
    parallel_each(ran.size(), [&](std::size_t i) { ++ran[i]; });
    for (const auto& r : ran)
        CHECK(r == 1);
    parallel_each(0, [](std::size_t) { FAIL("a job of none ran"); });
    for (std::size_t threads : {1, 2, 8}) {
        try {
            parallel_each(
                100,
                [](std::size_t i) {
                    if (i % 30 == 29) throw std::runtime_error(std::to_string(i));
                },
                threads);
            FAIL("no exception");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "29");
        }
    }
}
