// The report reader: what detaudit wrote reads back to the same bytes, and every kind of bad
// report is one line naming the file and the JSON pointer.
#include "audit/runner.hpp"
#include "backends/backend.hpp"
#include "common/error.hpp"
#include "report/json_reporter.hpp"
#include "report/report_reader.hpp"
#include "scenario/scenario_parser.hpp"
#include "temp_files.hpp"
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace detaudit;

namespace {

AuditReport audit(const std::string& scenario_text, int runs = 3) {
    const Scenario s = parse_scenario_text(scenario_text, "reader-test.json");
    RunOptions options;
    options.plan.runs = runs;
    auto backends = make_compiled_backends();
    return run_audit(s, options, backends);
}

void require_round_trip(const std::string& text) {
    const AuditReport back = parse_report(text, "report.json");
    REQUIRE(render_json(back) == text);
}

std::string error_of(const std::string& text) {
    try {
        parse_report(text, "bad.json");
    } catch (const Error& e) {
        CHECK(exit_code_for(e.kind()) == exit_code::k_bad_input);
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
        return e.what();
    }
    FAIL("no error for a bad report");
    return {};
}

// A small real report: one cpu op over two thread counts, and a cuda cell (skipped or run).
const std::string& example() {
    static const std::string text =
        render_json(audit(R"({"detaudit": 1, "name": "example", "backends": ["cpu", "cuda"],
        "vary": {"cpu.threads": [1, 2]},
        "operations": [{"id": "s", "op": "reduce", "algorithm": "per_thread", "n": 64, "dtype": "f32"}]})",
                          2));
    return text;
}

// The example report with one edit made through a JSON pointer.
std::string edited(const std::string& pointer, const nlohmann::json& value, bool erase = false) {
    nlohmann::json doc = nlohmann::json::parse(example());
    const nlohmann::json::json_pointer p(pointer);
    if (erase)
        doc[p.parent_pointer()].erase(p.back());
    else
        doc[p] = value;
    return doc.dump(2);
}

} // namespace

TEST_CASE("report reader: reports of real audits read back byte for byte") {
    SECTION("the example; cpu reductions and rng over threads and schedules, an unavailable "
            "backend, failed expectations") {
        require_round_trip(example());
        require_round_trip(render_json(audit(R"({"detaudit": 1, "name": "rt", "seed": 7,
            "backends": ["cpu", "cuda"], "vary": {"cpu.threads": [2, 1, 3], "cpu.schedule": ["static", "dynamic"]},
            "operations": [
              {"id": "atomic", "op": "reduce", "algorithm": "atomic", "n": 100000, "expect": {"run_to_run": "any"}},
              {"id": "per-thread", "op": "reduce", "algorithm": "per_thread", "n": 4096,
               "expect": {"across_variants": "identical"}},
              {"id": "tiny", "op": "reduce", "algorithm": "blocked", "n": 12, "dtype": "f64"},
              {"id": "shared", "op": "rng", "algorithm": "shared_state", "count": 4096, "expect": {"run_to_run": "any"}},
              {"id": "mm", "op": "matmul", "algorithm": "blocked", "m": 8, "n": 8, "k": 64,
               "expect": {"across_variants": {"max_ulp": 4}}}]})")));
    }
    SECTION("product mode: interactions") {
        require_round_trip(render_json(audit(R"({"detaudit": 1, "vary_mode": "product",
            "vary": {"cpu.threads": [2, 1], "cpu.schedule": ["static", "dynamic"]},
            "operations": [{"id": "s", "op": "reduce", "algorithm": "per_thread", "n": 5000}]})",
                                             2)));
    }
    SECTION("exec: arrays and raw bytes, a file that differs every run, a program that fails") {
        require_round_trip(render_json(audit(R"({"detaudit": 1, "operations": [
              {"id": "p", "op": "exec", "outputs": ["log.txt"], "expect": {"run_to_run": "any"},
               "command": ["/bin/sh", "-c", "echo run $1 > $0/log.txt", "{out}", "{run}"]},
              {"id": "fails", "op": "exec", "outputs": ["x.txt"], "command": ["/bin/sh", "-c", "echo oops >&2; exit 3"]}]})")));
    }
}

TEST_CASE("report reader: comparisons get back the dtype that gives max_ulp its meaning") {
    const AuditReport r =
        parse_report(render_json(audit(R"({"detaudit": 1, "vary": {"cpu.threads": [1, 2]},
        "operations": [{"id": "d", "op": "reduce", "algorithm": "per_thread", "n": 100, "dtype": "f64"}]})",
                                       2)),
                     "r.json");
    REQUIRE(r.operations.size() == 1);
    for (const auto& c : r.operations[0].cells)
        CHECK(c.run_to_run.diff.dtype == DType::f64);
    REQUIRE_FALSE(r.operations[0].across_variants.empty());
    for (const auto& c : r.operations[0].across_variants)
        CHECK(c.diff.dtype == DType::f64);
}

TEST_CASE("report reader: a report file read from disk") {
    test::TempDir dir;
    const auto path = dir.path / "r.json";
    test::write_text(path, example());
    REQUIRE(render_json(read_report(path.string())) == example());
    try {
        read_report((dir.path / "missing.json").string());
        FAIL("a missing report was read");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("missing.json") != std::string::npos);
        CHECK(exit_code_for(e.kind()) == exit_code::k_bad_input);
    }
    CHECK_THROWS_AS(read_report(dir.path.string()), Error); // a directory
}

TEST_CASE("report reader: bad reports are one line naming the file and the JSON pointer") {
    const std::string text = example();
    SECTION("truncated") {
        // Cut just after an opening brace: a cut inside a number or a literal is another parse error.
        const std::string e = error_of(text.substr(0, text.rfind('{', text.size() / 2) + 1));
        CHECK(e.rfind("bad.json: /: not a JSON report: ", 0) == 0);
        CHECK(e.find("unexpected end of input") != std::string::npos);
    }
    SECTION("empty and not JSON") {
        CHECK(error_of("").rfind("bad.json: /: not a JSON report", 0) == 0);
        CHECK(error_of("<junit/>").rfind("bad.json: /: not a JSON report", 0) == 0);
        CHECK(error_of("[1, 2]") == "bad.json: /: expected an object, got an array");
    }
    SECTION("a schema version this build does not read") {
        CHECK(error_of(edited("/schema_version", 2)) ==
              "bad.json: /schema_version: schema version 2 is not one this detaudit reads (it "
              "reads version 1)");
        CHECK(error_of(edited("/schema_version", "1")) ==
              "bad.json: /schema_version: expected an integer, got \"1\"");
    }
    SECTION("missing fields") {
        CHECK(error_of(edited("/summary", nullptr, true)) ==
              "bad.json: /: missing required key \"summary\"");
        CHECK(error_of(edited("/operations/0/cells/0/runs", nullptr, true)) ==
              "bad.json: /operations/0/cells/0: missing required key \"runs\"");
        CHECK(error_of(edited("/operations/0/cells/0/run_to_run/diff/ulp_histogram/2-3", nullptr,
                              true)) ==
              "bad.json: /operations/0/cells/0/run_to_run/diff/ulp_histogram: missing required key "
              "\"2-3\"");
    }
    SECTION("mistyped fields") {
        CHECK(error_of(edited("/operations/0/cells/0/runs", -1)) ==
              "bad.json: /operations/0/cells/0/runs: expected a non-negative integer, got -1");
        CHECK(error_of(edited("/operations/0/cells/0/status", "fine")) ==
              "bad.json: /operations/0/cells/0/status: expected \"ok\", \"skipped\" or \"error\", "
              "got \"fine\"");
        CHECK(error_of(edited("/duration_s", "soon")) ==
              "bad.json: /duration_s: expected a number, got \"soon\"");
        CHECK(error_of(edited("/operations/0/design_class/cpu", 3)) ==
              "bad.json: /operations/0/design_class/cpu: expected a string, got 3");
        CHECK(error_of(edited("/operations/0/cells/0/run_to_run/diff/max_abs", "big")) ==
              "bad.json: /operations/0/cells/0/run_to_run/diff/max_abs: expected a number, "
              "\"inf\", \"-inf\" or "
              "\"nan\", got \"big\"");
        CHECK(error_of(edited("/operations", nlohmann::json::object())) ==
              "bad.json: /operations: expected an array, got an empty object");
    }
    SECTION("unknown keys: a report of another format") {
        CHECK(error_of(edited("/operations/0/cells/0/colour", "red")) ==
              "bad.json: /operations/0/cells/0/colour: unknown key in a detaudit report");
        CHECK(error_of(edited("/a~1b", 1)) == "bad.json: /a~1b: unknown key in a detaudit report");
    }
}

TEST_CASE("report reader: a key named twice in an object is refused with its JSON pointer") {
    const std::string text = example();
    // The same key again right after its first occurrence, with another value.
    const auto twice = [&](const std::string& first, const std::string& again) {
        const auto at = text.find(first);
        REQUIRE(at != std::string::npos);
        std::string t = text;
        t.insert(at, again);
        return t;
    };
    CHECK(error_of(twice("\"started_at\"", "\"started_at\": \"2020-01-01T00:00:00Z\",\n  ")) ==
          "bad.json: /started_at: duplicate key in a detaudit report");
    CHECK(error_of(twice("\"distinct_outputs\"", "\"distinct_outputs\": 1, ")) ==
          "bad.json: /operations/0/cells/0/distinct_outputs: duplicate key in a detaudit report");
    CHECK(error_of(R"({"a": {"x~y/z": 1, "x~y/z": 2}})") ==
          "bad.json: /a/x~0y~1z: duplicate key in a detaudit report");
    CHECK(error_of(R"({"a": [{}, [], {"k": 1, "k": 1}]})") ==
          "bad.json: /a/2/k: duplicate key in a detaudit report");
    // The same key in different objects is no duplicate: the report reads back byte for byte.
    require_round_trip(text);
}

TEST_CASE("report reader: several files read at once, refused as reading them in order would be") {
    test::TempDir dir;
    std::vector<std::string> paths;
    for (int i = 0; i < 5; ++i) {
        paths.push_back((dir.path / ("r" + std::to_string(i) + ".json")).string());
        test::write_text(paths.back(), example());
    }
    std::vector<std::string> texts;
    const std::vector<AuditReport> reports = read_reports(paths, &texts);
    REQUIRE(reports.size() == 5);
    REQUIRE(texts.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(texts[i] == example());
        CHECK(render_json(reports[i]) == example());
    }
    test::write_text(paths[3], example().substr(0, 100));
    test::write_text(paths[1], edited("/duration_s", "soon"));
    try {
        read_reports(paths);
        FAIL("a bad report was read");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == paths[1] + ": /duration_s: expected a number, got \"soon\"");
    }
}
