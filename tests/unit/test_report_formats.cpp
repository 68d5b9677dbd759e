// Markdown and HTML reporters: escaping, the verdict first, and size caps that count what they cut.
#include "report/html_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "report/markup_text.hpp"
#include <catch2/catch.hpp>
#include <cctype>

using namespace detaudit;

namespace {

// `ops` operations of `cells` cells each; the first cell of op 0 differs run to run.
AuditReport report_of(std::size_t ops, std::size_t cells) {
    AuditReport r;
    r.scenario = {{"name", "caps"}};
    r.summary.exit_code = 1;
    r.summary.expectations_failed = 1;
    for (std::size_t i = 0; i < ops; ++i) {
        OperationReport op;
        op.id = "op" + std::to_string(i);
        op.kind = "reduce";
        op.algorithm = "atomic";
        for (std::size_t k = 0; k < cells; ++k) {
            Cell c;
            c.backend = "cpu";
            c.variant = "cpu.threads=" + std::to_string(k);
            c.runs = 3;
            c.digests = {"a", "b", "a"};
            c.run_to_run.compared_runs = 2;
            c.run_to_run.differing_runs = 1;
            c.run_to_run.diff.identical = false;
            c.run_to_run.diff.elements = 10;
            c.run_to_run.diff.differing_elements = 2;
            c.run_to_run.diff.max_ulp = 3;
            c.run_to_run.diff.ulp_histogram = {8, 1, 1, 0, 0, 0, 0};
            op.cells.push_back(c);
        }
        r.operations.push_back(op);
    }
    return r;
}

// The N of "N more cells omitted" (no std::regex: GCC 12 warns inside <regex> under ASan -O2).
std::size_t omitted_count(const std::string& text) {
    const auto at = text.find(" more cells omitted");
    REQUIRE(at != std::string::npos);
    auto start = at;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(text[start - 1]))) --start;
    REQUIRE(start < at);
    return std::stoul(text.substr(start, at - start));
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("escaping text from scenarios for HTML and Markdown") {
    CHECK(escape_html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    CHECK(escape_markdown("a|b *c* _d_ [e](f) `g` <h> $x$\nnext") ==
          "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` &lt;h&gt; \\$x\\$ next");
    CHECK(escape_markdown("plain text 1.5 ms") == "plain text 1.5 ms");
}

TEST_CASE("Markdown: the verdict comes first and every cell is shown or counted") {
    const AuditReport r = report_of(4, 5);
    const std::string md = render_markdown(r);
    CHECK(md.rfind("## ❌ detaudit · caps: 1 expectation failed\n", 0) == 0);
    CHECK(count_of(md, "<details>") == 4 + 1); // one per operation, and the environment
    CHECK(count_of(md, "| cpu | cpu.threads=") == 20);
    CHECK(md.find("omitted") == std::string::npos);
}

TEST_CASE("Markdown and HTML size caps: never over, and the omission line adds up") {
    const AuditReport r = report_of(200, 50); // 10,000 cells
    const std::size_t cap = 60 * 1000;
    const std::string md = render_markdown(r, cap);
    CHECK(md.size() <= cap);
    CHECK(count_of(md, "| cpu | cpu.threads=") + omitted_count(md) == 10000);
    CHECK(count_of(md, "<details>") == count_of(md, "</details>"));
    const std::size_t html_cap = 200 * 1000;
    const std::string html = render_html(r, html_cap);
    CHECK(html.size() <= html_cap);
    CHECK(count_of(html, "<tr class=c>") + omitted_count(html) == 10000);
    CHECK(count_of(html, "<details") == count_of(html, "</details>"));
    CHECK(html.substr(html.size() - 8) == "</html>\n");
}
