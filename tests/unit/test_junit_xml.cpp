// JUnit XML (issue 9, item 9): always well-formed whatever the text holds, each cell's time once,
// and an expectation on a backend with a crashed cell is an <error>, never a pass.
#include <catch2/catch.hpp>

#include <string>
#include "report/junit_reporter.hpp"
#include "report/report.hpp"

using namespace detaudit;

namespace {

Cell ok_cell(const std::string& variant) {
    Cell c;
    c.backend = "host";
    c.variant = variant;
    c.runs = 3;
    c.time.cold_s = 1.0;
    c.time.median_s = 0.5; // 1.0 + 2 x 0.5 = 2 s for the cell
    return c;
}

ExpectationResult held(const std::string& axis, const std::string& detail = "all identical") {
    ExpectationResult e;
    e.axis = axis;
    e.backend = "host";
    e.expected = "identical";
    e.detail = detail;
    return e;
}

OperationReport exec_output(const std::string& output) {
    OperationReport op;
    op.id = "prog";
    op.kind = "exec";
    op.output = output;
    op.cells = {ok_cell("base")};
    op.expectations = {held("run_to_run"), held("across_variants")};
    return op;
}

std::string suite_of(const std::string& xml, const std::string& name) {
    const auto at = xml.find("<testsuite name=\"" + name + "\"");
    REQUIRE(at != std::string::npos);
    return xml.substr(at, xml.find("</testsuite>", at) - at);
}

} // namespace

TEST_CASE("JUnit text is always well-formed XML 1.0", "[report][junit]") {
    AuditReport report;
    report.scenario = {{"name", "tab\there"}};
    // Invalid UTF-8 of every kind: a lone continuation byte, a lead byte cut at the end, an
    // overlong encoding, a surrogate, U+FFFE, beyond U+10FFFF; control characters; valid UTF-8.
    OperationReport op = exec_output(std::string("odd\x80|\xC0\xAF|\xED\xA0\x80|\xEF\xBF\xBE|\xF4\x90\x80\x80|\x01\x1b|\x7f|") +
                                     "caf\xC3\xA9|\xF0\x9F\x98\x80|\xC3");
    report.operations.push_back(op);
    const std::string xml = render_junit(report);
    const std::string r = "\xEF\xBF\xBD"; // U+FFFD
    const std::string expected = "prog:odd" + r + "|" + r + r + "|" + r + r + r + "|" + r + r + r + "|" + r + r + r + r +
                                 "|\\x01\\x1b|\\x7f|caf\xC3\xA9|\xF0\x9F\x98\x80|" + r;
    CHECK(xml.find("<testsuite name=\"" + expected + "\"") != std::string::npos);
    CHECK(xml.find("name=\"detaudit: tab&#9;here\"") != std::string::npos);
    for (char c : xml) CHECK((static_cast<unsigned char>(c) >= 0x20 || c == '\n'));
}

TEST_CASE("JUnit times: each cell's own, once", "[report][junit]") {
    AuditReport report;
    report.operations = {exec_output("a.bin"), exec_output("b.bin")};
    const std::string xml = render_junit(report);
    const std::string a = suite_of(xml, "prog:a.bin"), b = suite_of(xml, "prog:b.bin");
    CHECK(a.find("time=\"2.000000\">") != std::string::npos); // the suite
    CHECK(a.find("name=\"host.run_to_run\" time=\"2.000000\"") != std::string::npos);
    CHECK(a.find("name=\"host.across_variants\" time=\"0.000000\"") != std::string::npos);
    // The second output of the same program: its runs were counted on the first.
    CHECK(b.find("time=\"0.000000\">") != std::string::npos);
    CHECK(b.find("time=\"2.000000\"") == std::string::npos);
}

TEST_CASE("JUnit: an expectation judging a crashed cell is an error", "[report][junit]") {
    AuditReport report;
    OperationReport op = exec_output("o.bin");
    Cell crashed = ok_cell("env.X=1");
    crashed.status = CellStatus::error;
    crashed.reason = "run 1: exited with status 1";
    op.cells.push_back(crashed);
    // run_to_run held on the base cell; across_variants had nothing to compare. The runner marks
    // both: each covers the crashed cell, so neither is proven (JUnit renders that, it does not judge).
    op.expectations[0].cells_failed = true;
    op.expectations[1].evaluated = false;
    op.expectations[1].cells_failed = true;
    op.expectations[1].detail = "a cell failed: host/env.X=1: run 1: exited with status 1";
    report.operations.push_back(op);
    const std::string xml = render_junit(report);
    CHECK(xml.find("errors=\"2\"") != std::string::npos);
    CHECK(xml.find("name=\"host.run_to_run\" time=\"2.000000\">\n      <error message=\"a cell failed: host/env.X=1: "
                   "run 1: exited with status 1\" type=\"execution\">expected identical: all identical</error>") !=
          std::string::npos);
    CHECK(xml.find("/>\n  </testsuite>") == std::string::npos); // no testcase passed
}
