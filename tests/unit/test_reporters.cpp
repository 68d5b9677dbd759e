// Unit tests of the reporters (JSON, console, JUnit) and the class-name functions of report.hpp,
// on a hand-built report holding the cases the reporters branch on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>
#include "report/console_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/junit_reporter.hpp"
#include "report/report.hpp"

using namespace detaudit;

namespace {

const std::string k_digest_a = "0123456789abcdef0123456789abcdef";
const std::string k_digest_b = "fedcba9876543210fedcba9876543210";
const std::string k_nasty_detail = "9 of 10 runs differ from run 1 <&\"quoted\">";

Cell identical_cell(std::string variant, nlohmann::json settings) {
    Cell c;
    c.backend = "cpu";
    c.variant = std::move(variant);
    c.settings = std::move(settings);
    c.runs = 10;
    c.distinct_outputs = 1;
    c.digests.assign(10, k_digest_a);
    c.run_to_run.compared_runs = 9;
    c.run_to_run.diff.elements = 1;
    c.run_to_run.diff.ulp_histogram[0] = 9;
    c.run_to_run.verdict = {true, true, "identical"};
    c.p_diff_95 = 0.283;
    c.time = {2.5e-3, 1.4e-3, 1.5e-3, 1.9e-3};
    c.reference_values = {{"0.5", "0x3f000000"}};
    c.output_dtype = "f32";
    c.output_shape = {1};
    return c;
}

Cell differing_cell() {
    Cell c;
    c.backend = "cpu";
    c.variant = "base";
    c.settings = {{"cpu.threads", 2}};
    c.runs = 10;
    c.distinct_outputs = 4;
    c.digests.assign(10, k_digest_b);
    c.digests[0] = k_digest_a;
    c.run_to_run.compared_runs = 9;
    c.run_to_run.differing_runs = 9;
    c.run_to_run.first_differing_run = 2;
    DiffStats& d = c.run_to_run.diff;
    d.identical = false;
    d.elements = 1;
    d.differing_elements = 1;
    d.max_ulp = 3;
    d.max_abs = 1.78e-7;
    d.max_rel = std::numeric_limits<double>::quiet_NaN();
    d.ulp_histogram[2] = 9;
    d.first_difference =
        FirstDifference{0, {"0.5", "0x3f000000"}, {"0.50000017881393432617", "0x3f000003"}};
    c.run_to_run.verdict = {true, false, "identical required"};
    c.time = {40e-6, 20e-6, 25e-6, 31e-6};
    c.reference_values = {{"0.5", "0x3f000000"}};
    c.output_dtype = "f32";
    c.output_shape = {1};
    return c;
}

Cell skipped_cell() {
    Cell c;
    c.backend = "cuda";
    c.variant = "base";
    c.settings = {{"cuda.block_size", 256}};
    c.status = CellStatus::skipped;
    c.reason = "unavailable: CUDA driver version is insufficient for CUDA runtime version";
    c.output_dtype = "f32";
    c.output_shape = {1};
    return c;
}

ExpectationResult expectation(std::string axis, std::string backend, nlohmann::json expected,
                              bool evaluated, bool held, std::string detail) {
    ExpectationResult e;
    e.axis = std::move(axis);
    e.backend = std::move(backend);
    e.expected = std::move(expected);
    e.evaluated = evaluated;
    e.held = held;
    e.detail = std::move(detail);
    return e;
}

AuditReport example_report() {
    AuditReport r;
    r.tool = {{"name", "detaudit"}, {"version", "0.1.0"}, {"backends", {"cpu"}}};
    r.scenario = {{"name", "reductions"}, {"path", "scenarios/reductions.json"},
                  {"digest", k_digest_a}, {"seed", 42}, {"runs", 10}};
    r.started_at = "2024-05-01T12:00:00Z";
    r.duration_s = 1.25;
    r.environment = {{"os", "Linux"}, {"cpu", {{"model", "test CPU"}, {"cores", 2}}}};
    r.backends = {
        {"cpu", true, "", "test CPU (2 threads)"},
        {"cuda", false, "CUDA driver version is insufficient for CUDA runtime version", ""}};

    OperationReport blocked;
    blocked.id = "sum-blocked";
    blocked.kind = "reduce";
    blocked.algorithm = "blocked";
    blocked.description = "fixed-order blocked sum";
    blocked.parameters = {{"dtype", "f32"}, {"n", 1024}};
    blocked.design_class = {{"cpu", "cross_backend"}, {"cuda", "cross_backend"}};
    blocked.measured_class = {{"cpu", "variant_invariant"}, {"cuda", "not_measured"}};
    blocked.cells.push_back(identical_cell("base", {{"cpu.threads", 2}}));
    blocked.cells.push_back(identical_cell("cpu.threads=8", {{"cpu.threads", 8}}));
    blocked.cells.push_back(skipped_cell());
    CellComparison across;
    across.axis = "across_variants";
    across.backend = "cpu";
    across.variant = "cpu.threads=8";
    across.reference = "cpu/base";
    across.other = "cpu/cpu.threads=8";
    across.changed_axes = {"cpu.threads"};
    across.diff.elements = 1;
    across.diff.ulp_histogram[0] = 1;
    across.verdict = {true, true, "identical"};
    blocked.across_variants.push_back(across);
    blocked.expectations.push_back(
        expectation("run_to_run", "cpu", "identical", true, true, "10 runs identical"));
    blocked.expectations.push_back(
        expectation("across_variants", "cpu", "identical", true, true, "1 variant identical"));
    blocked.expectations.push_back(expectation("cross_backend", "cpu~cuda", "identical", false,
                                               true, "cuda unavailable"));

    OperationReport atomic;
    atomic.id = "sum-atomic";
    atomic.kind = "reduce";
    atomic.algorithm = "atomic";
    atomic.parameters = {{"dtype", "f32"}, {"n", 1024}};
    atomic.design_class = {{"cpu", "run_to_run"}};
    atomic.measured_class = {{"cpu", "nondeterministic"}};
    atomic.design_contradictions = {"cpu: design run_to_run, measured nondeterministic"};
    atomic.cells.push_back(differing_cell());
    CellComparison cross;
    cross.axis = "cross_backend";
    cross.backend = "cpu~cuda";
    cross.variant = "base";
    cross.reference = "cpu/base";
    cross.other = "cuda/base";
    cross.diff.identical = false;
    cross.diff.elements = 1;
    cross.diff.differing_elements = 1;
    cross.diff.max_ulp = 70000;
    cross.diff.max_abs = std::numeric_limits<double>::infinity();
    cross.diff.max_rel = 1;
    cross.diff.ulp_histogram[6] = 1;
    atomic.cross_backend.push_back(cross);
    atomic.expectations.push_back(
        expectation("run_to_run", "cpu", "identical", true, false, k_nasty_detail));
    atomic.expectations.push_back(expectation("cross_backend", "cpu~cuda", {{"max_ulp", 4}},
                                              false, true, "cuda unavailable"));

    r.operations = {blocked, atomic};
    r.summary.operations = 2;
    r.summary.cells = 4;
    r.summary.cells_ok = 3;
    r.summary.cells_skipped = 1;
    r.summary.cells_identical = 2;
    r.summary.cells_differing = 1;
    r.summary.expectations_passed = 2;
    r.summary.expectations_failed = 1;
    r.summary.expectations_not_evaluated = 2;
    r.summary.run_to_run = {3, 2, 1, 1};
    r.summary.across_variants = {1, 1, 0, 0};
    r.summary.cross_backend = {1, 0, 1, 0};
    r.summary.exit_code = 1;
    return r;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("class and status names", "[report]") {
    CHECK(design_class_name(DesignClass::not_guaranteed) == "not_guaranteed");
    CHECK(design_class_name(DesignClass::cross_backend) == "cross_backend");
    CHECK(design_class_name(DesignClass::unknown) == "unknown");
    CHECK(measured_class_name(MeasuredClass::nondeterministic) == "nondeterministic");
    CHECK(measured_class_name(MeasuredClass::variant_invariant) == "variant_invariant");
    CHECK(measured_class_name(MeasuredClass::not_measured) == "not_measured");
    CHECK(cell_status_name(CellStatus::ok) == "ok");
    CHECK(cell_status_name(CellStatus::skipped) == "skipped");
    CHECK(cell_status_name(CellStatus::error) == "error");
}

TEST_CASE("contradicts_design: measured weaker than designed", "[report]") {
    CHECK(contradicts_design(DesignClass::run_to_run, MeasuredClass::nondeterministic));
    CHECK(contradicts_design(DesignClass::variant_invariant, MeasuredClass::run_to_run));
    CHECK(contradicts_design(DesignClass::cross_backend, MeasuredClass::run_to_run));
    CHECK(contradicts_design(DesignClass::cross_backend, MeasuredClass::nondeterministic));

    CHECK_FALSE(contradicts_design(DesignClass::not_guaranteed, MeasuredClass::nondeterministic));
    CHECK_FALSE(contradicts_design(DesignClass::run_to_run, MeasuredClass::run_to_run));
    CHECK_FALSE(contradicts_design(DesignClass::run_to_run, MeasuredClass::variant_invariant));
    // Cross-backend identity is judged by its own comparison, not by the measured class.
    CHECK_FALSE(contradicts_design(DesignClass::cross_backend, MeasuredClass::variant_invariant));
    CHECK_FALSE(contradicts_design(DesignClass::unknown, MeasuredClass::nondeterministic));
    CHECK_FALSE(contradicts_design(DesignClass::cross_backend, MeasuredClass::not_measured));
}

TEST_CASE("JSON report: top level", "[report][json]") {
    const nlohmann::json j = report_to_json(example_report());
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"backends", "duration_s", "environment", "interrupted",
                                           "operations", "scenario", "schema_version", "started_at",
                                           "summary", "tool"});
    CHECK(j["schema_version"] == 1);
    CHECK(j["interrupted"] == false);
    CHECK(j["scenario"]["name"] == "reductions");
    CHECK(j["environment"]["cpu"]["cores"] == 2);
    CHECK(j["backends"][1]["name"] == "cuda");
    CHECK(j["backends"][1]["available"] == false);
    CHECK(j["summary"]["exit_code"] == 1);
    CHECK(j["summary"]["expectations_not_evaluated"] == 2);
    REQUIRE(j["operations"].size() == 2);
    CHECK(j["operations"][1]["design_contradictions"].size() == 1);
    CHECK(j["operations"][0]["design_class"]["cuda"] == "cross_backend");
}

TEST_CASE("JSON report: cells", "[report][json]") {
    const nlohmann::json j = report_to_json(example_report());
    const auto& ok = j["operations"][0]["cells"][0];
    const auto& skipped = j["operations"][0]["cells"][2];
    const auto& differing = j["operations"][1]["cells"][0];

    CHECK(ok["status"] == "ok");
    CHECK_FALSE(ok.contains("reason"));
    CHECK(ok["settings"]["cpu.threads"] == 2);
    CHECK(ok["run_to_run"]["differing_runs"] == 0);
    CHECK(ok["run_to_run"]["first_differing_run"].is_null());
    CHECK_FALSE(ok["run_to_run"].contains("same_multiset"));
    CHECK(ok["run_to_run"]["diff"]["first_difference"].is_null());
    CHECK_FALSE(ok["run_to_run"]["diff"].contains("shape_mismatch"));
    CHECK(ok["p_diff_95"] == Approx(0.283));
    CHECK(ok["time"]["median_s"] == Approx(1.5e-3));
    CHECK(ok["output"]["dtype"] == "f32");
    CHECK(ok["output"]["shape"] == nlohmann::json::array({1}));
    CHECK(ok["reference_values"][0]["hex"] == "0x3f000000");
    CHECK(ok["digests"].size() == 10);

    CHECK(skipped["status"] == "skipped");
    CHECK(skipped["reason"].get<std::string>().find("CUDA driver") != std::string::npos);
    CHECK_FALSE(skipped.contains("reference_values"));
    CHECK(skipped["runs"] == 0);

    CHECK(differing["run_to_run"]["compared_runs"] == 9);
    CHECK(differing["run_to_run"]["differing_runs"] == 9);
    CHECK(differing["run_to_run"]["first_differing_run"] == 2);
    CHECK(differing["p_diff_95"].is_null());
    const auto& diff = differing["run_to_run"]["diff"];
    CHECK(diff["identical"] == false);
    CHECK(diff["max_ulp"] == 3);
    CHECK(diff["max_rel"] == "nan");
    CHECK(diff["ulp_histogram"]["2-3"] == 9);
    CHECK(diff["ulp_histogram"]["0"] == 0);
    CHECK(diff["ulp_histogram"].size() == k_ulp_buckets);
    CHECK(diff["first_difference"]["index"] == 0);
    CHECK(diff["first_difference"]["other"]["hex"] == "0x3f000003");
    CHECK(diff["first_difference"]["reference"]["decimal"] == "0.5");
}

TEST_CASE("JSON report: comparisons, expectations, non-finite errors", "[report][json]") {
    AuditReport r = example_report();
    r.operations[1].cross_backend[0].diff.shape_mismatch = true;
    r.operations[1].cross_backend[0].diff.mismatch_detail = "shape [1] vs [2]";
    const nlohmann::json j = report_to_json(r);
    const auto& across = j["operations"][0]["across_variants"][0];
    CHECK(across["axis"] == "across_variants");
    CHECK(across["changed_axes"] == nlohmann::json::array({"cpu.threads"}));
    CHECK(across["diff"]["identical"] == true);

    const auto& cross = j["operations"][1]["cross_backend"][0];
    CHECK(cross["backend"] == "cpu~cuda");
    CHECK(cross["diff"]["max_abs"] == "inf");
    CHECK(cross["diff"]["max_rel"] == 1.0);
    CHECK(cross["diff"]["shape_mismatch"] == true);
    CHECK(cross["diff"]["mismatch_detail"] == "shape [1] vs [2]");
    CHECK(cross["diff"]["ulp_histogram"][">=65536"] == 1);

    const auto& failed = j["operations"][1]["expectations"][0];
    CHECK(failed["held"] == false);
    CHECK(failed["evaluated"] == true);
    CHECK(failed["expected"] == "identical");
    CHECK(failed["detail"] == k_nasty_detail);
    CHECK(j["operations"][1]["expectations"][1]["expected"]["max_ulp"] == 4);
}

TEST_CASE("render_json: pretty, ordered, parses back to report_to_json", "[report][json]") {
    const AuditReport r = example_report();
    const std::string text = render_json(r);
    REQUIRE_FALSE(text.empty());
    CHECK(text.back() == '\n');
    CHECK(text.rfind("{\n  \"schema_version\": 1,\n  \"tool\": {", 0) == 0);
    CHECK(text.find("\"max_abs\": \"inf\"") != std::string::npos);
    // Reading order: a cell's identity before its results.
    CHECK(text.find("\"backend\": \"cpu\"") < text.find("\"distinct_outputs\""));
    CHECK(nlohmann::json::parse(text) == report_to_json(r));
}

TEST_CASE("render_json survives invalid UTF-8 in driver messages", "[report][json]") {
    AuditReport r = example_report();
    r.backends[1].reason = "bad \xff byte";
    const std::string text = render_json(r);
    CHECK(nlohmann::json::parse(text)["backends"][1]["reason"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("console report", "[report][console]") {
    const AuditReport r = example_report();
    const std::string text = render_console(r, {});

    // Every axis counted: identical runs do not hide a cross-backend difference.
    const std::string summary = "4 cells: 3 ran, 1 skipped · run to run: 2 identical, 1 differs (1 failed) · "
                                "across variants: 1 identical · cross-backend: 0 identical, 1 differs · "
                                "expectations: 2 passed, 1 failed, 2 not evaluated · exit 1";
    CHECK(render_summary_line(r, false) == summary);
    CHECK(text.find(summary + "\n") != std::string::npos);
    CHECK(text.find("\x1b") == std::string::npos);

    CHECK(text.find("detaudit 0.1.0") != std::string::npos);
    CHECK(text.find("scenario reductions") != std::string::npos);
    CHECK(text.find("backends: cpu: test CPU (2 threads); cuda: unavailable: CUDA driver version") !=
          std::string::npos);
    CHECK(text.find("differs 9/9 runs") != std::string::npos);
    CHECK(text.find("FAIL") != std::string::npos);
    CHECK(text.find("1.50 ms") != std::string::npos);
    CHECK(text.find("25.0 µs") != std::string::npos);
    CHECK(text.find("Cross-backend") != std::string::npos);
    CHECK(text.find("differs, 70000 ULP") != std::string::npos);
    CHECK(text.find("Failed expectations") != std::string::npos);
    CHECK(text.find(k_nasty_detail) != std::string::npos);
    CHECK(text.find("Design-class contradictions") != std::string::npos);
    CHECK(text.find("cpu: design run_to_run, measured nondeterministic") != std::string::npos);
}

TEST_CASE("console table: FAIL on the differing row, aligned columns", "[report][console]") {
    const std::string text = render_console(example_report(), {});
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < text.size();) {
        auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    auto header = std::find_if(lines.begin(), lines.end(),
                               [](const std::string& l) { return l.rfind("op ", 0) == 0; });
    REQUIRE(header != lines.end());
    const std::size_t column = header->find("run-to-run");
    REQUIRE(column != std::string::npos);

    std::size_t rows = 0;
    for (auto it = header + 1; it != lines.end() && !it->empty(); ++it, ++rows) {
        // Every row's run-to-run entry starts under the header (rows here are ASCII up to there).
        CHECK(it->find_first_not_of(' ', column) == column);
        const bool differing = it->find("differs 9/9 runs") != std::string::npos;
        CHECK((it->find("FAIL") != std::string::npos) == differing);
    }
    CHECK(rows == 4);
}

TEST_CASE("console colours only when asked", "[report][console]") {
    const AuditReport r = example_report();
    const std::string plain = render_console(r, {false, true});
    CHECK(plain.find("\x1b") == std::string::npos);
    CHECK(plain.find("Details") != std::string::npos);
    CHECK(plain.find("first at index 0: 0.5 (0x3f000000) vs") != std::string::npos);

    const std::string coloured = render_console(r, {true, false});
    CHECK(coloured.find("\x1b[31mFAIL\x1b[0m") != std::string::npos);
    CHECK(coloured.find("\x1b[32midentical\x1b[0m") != std::string::npos);
    CHECK(render_summary_line(r, true).find("\x1b[31mexit 1\x1b[0m") != std::string::npos);
}

TEST_CASE("console report: errors are listed with their reason", "[report][console]") {
    AuditReport r = example_report();
    Cell& c = r.operations[1].cells[0];
    c.status = CellStatus::error;
    c.reason = "cudaErrorMemoryAllocation: out of memory";
    r.summary.cells_error = 1;
    r.summary.exit_code = 4;
    const std::string text = render_console(r, {});
    CHECK(text.find("Errors\n  sum-atomic cpu base: cudaErrorMemoryAllocation: out of memory\n") !=
          std::string::npos);
    CHECK(text.find(", 1 error · run to run") != std::string::npos);
    CHECK(text.find("exit 4\n") != std::string::npos);
    CHECK(report_to_json(r)["operations"][1]["cells"][0]["reason"] ==
          "cudaErrorMemoryAllocation: out of memory");
}

TEST_CASE("console renders the stored verdicts, raw bytes without ULP", "[report][console]") {
    AuditReport r = example_report();
    // The judge's verdict is the one shown, whatever the statistics would suggest to a re-judge.
    Cell& atomic = r.operations[1].cells[0];
    atomic.run_to_run.verdict = {true, true, "within tolerance (max_ulp 3 <= 4)"};
    Cell& base = r.operations[0].cells[0];
    base.run_to_run.verdict = {true, false, "identical required"};
    std::string text = render_console(r, {false, true});
    auto row_of = [&](const std::string& start) {
        const auto pos = text.find("\n" + start);
        REQUIRE(pos != std::string::npos);
        return text.substr(pos + 1, text.find('\n', pos + 1) - pos - 1);
    };
    CHECK(row_of("sum-atomic ").ends_with("pass"));
    CHECK(row_of("sum-blocked ").ends_with("FAIL"));
    CHECK(text.find("first at index 0: 0.5 (0x3f000000) vs 0.50000017881393432617 (0x3f000003); "
                    "within tolerance (max_ulp 3 <= 4)") != std::string::npos);

    // A file that is not an array: bytes, singular where one, n/a for ULP.
    DiffStats& d = atomic.run_to_run.diff;
    d.dtype = DType::bytes;
    d.raw_bytes = true;
    d.max_ulp = 0;
    d.first_difference = FirstDifference{0, {"1", "0x01"}, {"2", "0x02"}};
    text = render_console(r, {false, true});
    const std::string row = row_of("sum-atomic ");
    CHECK(row.find(" n/a ") != std::string::npos);
    CHECK(text.find("1 of 1 byte differs; first at offset 0") != std::string::npos);
    const auto details = text.find("  sum-atomic cpu base: differs 9/9 runs");
    REQUIRE(details != std::string::npos);
    CHECK(text.substr(details, text.find('\n', details) - details).find("ULP") == std::string::npos);
}

TEST_CASE("console report of an empty audit", "[report][console]") {
    AuditReport r;
    const std::string text = render_console(r, {});
    CHECK(text.find("no cells") != std::string::npos);
    CHECK(render_summary_line(r, false) ==
          "0 cells · expectations: 0 passed, 0 failed · exit 0");
}

TEST_CASE("JUnit report", "[report][junit]") {
    const std::string xml = render_junit(example_report());
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
    CHECK(xml.find("<testsuites name=\"detaudit: reductions\" tests=\"5\" failures=\"1\" "
                   "errors=\"0\" skipped=\"2\"") != std::string::npos);
    CHECK(count_of(xml, "<testsuite ") == 2);
    CHECK(count_of(xml, "<testcase ") == 5);
    CHECK(count_of(xml, "<failure ") == 1);
    CHECK(count_of(xml, "<skipped ") == 2);
    CHECK(xml.find("<testsuite name=\"sum-atomic\" tests=\"2\" failures=\"1\" errors=\"0\" "
                   "skipped=\"1\"") != std::string::npos);
    CHECK(xml.find("<testcase classname=\"detaudit.sum-atomic\" name=\"cpu.run_to_run\"") !=
          std::string::npos);
    CHECK(xml.find("name=\"cpu~cuda.cross_backend\"") != std::string::npos);
    CHECK(xml.find("message=\"9 of 10 runs differ from run 1 &lt;&amp;&quot;quoted&quot;&gt;\"") !=
          std::string::npos);
    // The raw detail never appears unescaped.
    CHECK(xml.find("<&\"") == std::string::npos);
    CHECK(xml.find("{&quot;max_ulp&quot;:4}") == std::string::npos); // skipped: message only
    CHECK(xml.substr(xml.size() - 14) == "</testsuites>\n");
}
