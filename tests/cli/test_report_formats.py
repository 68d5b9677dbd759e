"""`detaudit report` and run --markdown/--html (docs/reports.md): the Markdown snapshot, the same
bytes from `run` and from a saved report, escaping, the size caps, and bad input (exit 2, nothing
written). The HTML page in a browser is tests/cli/test_html_render.py."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_common as cc  # noqa: E402

SAMPLE = os.path.join("tests", "data", "reports", "sample_report.json")
GOLDEN = os.path.join("tests", "data", "reports", "sample_report.md")


def normalised(markdown):
    """Timings vary from run to run: the snapshot holds placeholders instead."""
    text = re.sub(r"\b\d+(?:\.\d+)? (?:ns|µs|ms|s)\b", "<time>", markdown)
    return re.sub(r"\b\d+(?:\.\d+)?×", "<ratio>×", text)


def big_report(source, copies):
    """The sample's operations repeated `copies` times under new ids: a report of many cells."""
    report = cc.load_json(source)
    operations = []
    for i in range(copies):
        for op in report["operations"]:
            copy = dict(op)
            copy["id"] = f"{op['id']}-{i}"
            operations.append(copy)
    report["operations"] = operations
    return report


class ReportFormats(cc.CliTestCase):
    def test_markdown_snapshot(self):
        r = self.detaudit("report", SAMPLE, "--markdown", "-", expect_rc=cc.EXIT_OK)
        self.assertEqual(r.stderr, "")
        got = normalised(r.stdout)
        golden = cc.source_path(GOLDEN)
        if os.environ.get("DETAUDIT_UPDATE_GOLDEN"):
            with open(golden, "w", encoding="utf-8") as f:
                f.write(got)
        with open(golden, encoding="utf-8") as f:
            self.assertEqual(got, f.read(), "Markdown differs from the snapshot (DETAUDIT_UPDATE_GOLDEN=1 rewrites it)")

    def test_markdown_order_and_escaping(self):
        md = self.detaudit("report", SAMPLE, "--markdown", "-", expect_rc=cc.EXIT_OK).stdout
        self.assertTrue(md.startswith("## 💥 detaudit · report-sample: 1 cell failed to run"), md[:200])
        order = [md.index(s) for s in ("### Failures", "### What changes results", "### Cost of determinism",
                                       "### Operations", "### Environment")]
        self.assertEqual(order, sorted(order))
        self.assertEqual(md.count("<details>"), md.count("</details>"))
        # Text from the scenario and the program's stderr cannot inject markup or break a table.
        self.assertNotIn("<b>oops", md)
        self.assertIn("&lt;b&gt;oops&lt;/b&gt; \\| \\`x\\`", md)
        self.assertIn("&lt;in arrival order&gt; \\| \\*not\\* \\_reproducible\\_ &amp; \\[link\\](x)", md)

    def test_run_and_report_write_the_same_bytes(self):
        scenario = self.scenario("s.json", {"detaudit": 1, "name": "same", "runs": 3, "vary": {"cpu.threads": [1, 2]},
                                            "operations": [{"id": "s", "op": "reduce", "algorithm": "per_thread", "n": 5000}]})
        paths = {k: self.path("run." + k) for k in ("json", "md", "html")}
        self.detaudit("run", scenario, "--json", paths["json"], "--markdown", paths["md"], "--html", paths["html"], "-q",
                      expect_rc=cc.EXIT_OK)
        again = {k: self.path("again." + k) for k in ("md", "html")}
        self.detaudit("report", paths["json"], "--markdown", again["md"], "--html", again["html"], expect_rc=cc.EXIT_OK)
        for k in ("md", "html"):
            with open(paths[k], "rb") as a, open(again[k], "rb") as b:
                self.assertEqual(a.read(), b.read(), k)

    def test_html_is_self_contained(self):
        out = self.path("r.html")
        self.detaudit("report", SAMPLE, "--html", out, expect_rc=cc.EXIT_OK)
        with open(out, encoding="utf-8") as f:
            page = f.read()
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertNotRegex(page, r"(?i)<script|<link|@import|url\(|https?://|<img")
        self.assertNotIn("<b>oops", page)
        self.assertIn("&lt;b&gt;oops&lt;/b&gt;", page)
        for section in ("Verdicts", "What changes results", "Cost of determinism", "Operations", "Environment"):
            self.assertIn(f"<h2>{section}</h2>", page)
        self.assertIn('<svg class="tl"', page)   # run-to-run timelines
        self.assertIn('<svg class="hist"', page)  # ULP histograms

    def test_size_caps_say_what_they_omit(self):
        big = cc.write_json(self.path("big.json"), big_report(cc.source_path(SAMPLE), 600))  # 10,800 cells
        md_path, html_path = self.path("big.md"), self.path("big.html")
        self.detaudit("report", big, "--markdown", md_path, "--html", html_path, expect_rc=cc.EXIT_OK)
        self.assertLessEqual(os.path.getsize(md_path), 1000 * 1000)
        self.assertLessEqual(os.path.getsize(html_path), 4 * 1024 * 1024)
        for path in (md_path, html_path):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            m = re.search(r"(\d+) more cells omitted", text)
            self.assertIsNotNone(m, path)
            shown = text.count("<tr class=c>") if path.endswith(".html") else len(re.findall(r"^\| (cpu|cuda|host) \|", text, re.M))
            self.assertEqual(shown + int(m.group(1)), 10800, path)

    def test_bad_reports_are_one_line_and_write_nothing(self):
        out = self.path("out.md")
        truncated = self.path("truncated.json")
        with open(cc.source_path(SAMPLE), encoding="utf-8") as f:
            text = f.read()
        with open(truncated, "w", encoding="utf-8") as f:
            f.write(text[: len(text) // 3])
        r = self.detaudit("report", truncated, "--markdown", out)
        self.assertOneErrorLine(r, ["truncated.json", "not a JSON report"])
        report = cc.load_json(cc.source_path(SAMPLE))
        report["schema_version"] = 99
        r = self.detaudit("report", cc.write_json(self.path("v99.json"), report), "--markdown", out)
        self.assertOneErrorLine(r, ["v99.json: /schema_version: schema version 99"])
        report = cc.load_json(cc.source_path(SAMPLE))
        del report["operations"][1]["cells"][0]["digests"]
        r = self.detaudit("report", cc.write_json(self.path("missing.json"), report), "--markdown", out)
        self.assertOneErrorLine(r, ["missing.json: /operations/1/cells/0: missing required key \"digests\""])
        r = self.detaudit("report", self.path("absent.json"), "--markdown", out)
        self.assertOneErrorLine(r, ["absent.json"])
        self.assertFalse(os.path.exists(out))

    def test_output_paths_follow_the_report_rules(self):
        copy = cc.write_json(self.path("r.json"), cc.load_json(cc.source_path(SAMPLE)))
        before = open(copy, "rb").read()
        self.assertOneErrorLine(self.detaudit("report", copy, "--markdown", copy), ["--markdown"])
        self.assertOneErrorLine(self.detaudit("report", copy, "--html", self.tmp), ["--html"])
        same = self.path("same.out")
        self.assertOneErrorLine(self.detaudit("report", copy, "--markdown", same, "--html", same), ["same.out"])
        self.assertOneErrorLine(self.detaudit("report", copy), ["--markdown"], rc=cc.EXIT_BAD_INPUT)
        self.assertEqual(open(copy, "rb").read(), before)
        self.assertFalse(os.path.exists(same))
        scenario = self.scenario("s.json", {"detaudit": 1, "operations": [{"id": "s", "op": "reduce", "algorithm": "blocked", "n": 8}]})
        self.assertOneErrorLine(self.detaudit("run", scenario, "--markdown", scenario), ["--markdown"])
        self.assertOneErrorLine(self.detaudit("run", scenario, "--json", same, "--html", same), ["same.out"])


if __name__ == "__main__":
    cc.main()
