"""Shared helpers for detaudit's CLI tests (tests/cli/test_*.py).

Every test script is run by CTest as

    python3 test_NAME.py DETAUDIT_BINARY SOURCE_DIR SCRATCH_DIR [unittest arguments...]

and calls cli_common.main(). The scratch directory is wiped at start, so a failed run leaves its
files there for inspection until the next run. Only the standard library is needed here; numpy is
imported by the tests that use it, and the schema check reuses validate_report_schema.py.
"""
import contextlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

BINARY = None
SOURCE_DIR = None
SCRATCH_DIR = None

# Generous: the suite also runs under ASan+UBSan (about 3x slower) on a shared 2-core machine.
DEFAULT_TIMEOUT_S = 180

EXIT_OK, EXIT_EXPECTATION_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_REQUIRED_BACKEND, EXIT_EXECUTION_FAILED, EXIT_INTERRUPTED = 3, 4, 130


def main():
    """Take the three positional arguments off argv, then hand the rest to unittest."""
    global BINARY, SOURCE_DIR, SCRATCH_DIR
    if len(sys.argv) < 4:
        print(f"usage: {sys.argv[0]} DETAUDIT_BINARY SOURCE_DIR SCRATCH_DIR [unittest args]",
              file=sys.stderr)
        sys.exit(2)
    BINARY = os.path.abspath(sys.argv[1])
    SOURCE_DIR = os.path.abspath(sys.argv[2])
    SCRATCH_DIR = os.path.abspath(sys.argv[3])
    if not os.access(BINARY, os.X_OK):
        print(f"{BINARY}: not an executable detaudit binary", file=sys.stderr)
        sys.exit(2)
    shutil.rmtree(SCRATCH_DIR, ignore_errors=True)
    os.makedirs(SCRATCH_DIR)
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)


class Result:
    def __init__(self, args, rc, stdout, stderr, seconds):
        self.args, self.rc, self.stdout, self.stderr, self.seconds = args, rc, stdout, stderr, seconds

    def __str__(self):
        return (f"detaudit {' '.join(self.args)} -> exit {self.rc} after {self.seconds:.2f} s\n"
                f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}")


def clean_env(**overrides):
    """The environment for the binary: no NO_COLOR unless a test sets it; None removes a key."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args, env=None, timeout=DEFAULT_TIMEOUT_S, cwd=None):
    """Run the detaudit binary with `args`; stdout and stderr are pipes (not a terminal)."""
    args = [str(a) for a in args]
    start = time.monotonic()
    p = subprocess.run([BINARY] + args, capture_output=True, text=True, env=env or clean_env(),
                       timeout=timeout, cwd=cwd or SOURCE_DIR)
    return Result(args, p.returncode, p.stdout, p.stderr, time.monotonic() - start)


def loaded_libraries(args, env):
    """Runs detaudit; its exit code and the shared objects the loader initialised (LD_DEBUG=libs)."""
    p = subprocess.run([BINARY] + args, capture_output=True, text=True, env=dict(env, LD_DEBUG="libs"),
                       timeout=DEFAULT_TIMEOUT_S, cwd=SCRATCH_DIR)
    return p.returncode, {os.path.basename(path) for path in re.findall(r"calling init: (\S+)", p.stderr)}


def needed_libraries():
    """The binary's DT_NEEDED entries and readelf's text (for failure messages)."""
    dynamic = subprocess.run(["readelf", "-d", BINARY], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dynamic), dynamic


def source_path(*parts):
    return os.path.join(SOURCE_DIR, *parts)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
    return path


# --- schema validation: reuse tests/cli/validate_report_schema.py --------------------------------

_validator = None
_validator_missing = None


def _schema_validator():
    global _validator, _validator_missing
    if _validator is None and _validator_missing is None:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        try:
            with contextlib.redirect_stderr(io.StringIO()) as err:
                import validate_report_schema
            _validator = validate_report_schema
        except SystemExit:  # it exits 77 when jsonschema is missing
            _validator_missing = err.getvalue().strip() or "jsonschema is not installed"
    return _validator


def schema_errors(report_path, schema="report.schema.json"):
    """None when the report validates against docs/<schema>, else the validator's text.
    Raises unittest.SkipTest (a visible skip) when jsonschema is missing."""
    validator = _schema_validator()
    if validator is None:
        raise unittest.SkipTest(f"cannot validate reports: {_validator_missing}")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            rc = validator.main(["validate_report_schema.py", source_path("docs", schema), report_path])
    except SystemExit as e:  # unreadable JSON
        rc = e.code
    return None if rc == 0 else f"exit {rc}: {out.getvalue().strip()}"


# --- the test case base ---------------------------------------------------------------------------

def p_diff_95(runs):
    """DESIGN §5: the 95 % upper bound on P(one more run differs) after `runs` identical runs."""
    return 1.0 - 0.05 ** (1.0 / (runs - 1))


class CliTestCase(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        name = self.id().split(".")[-1]
        self.tmp = tempfile.mkdtemp(prefix=name + "-", dir=SCRATCH_DIR)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def scenario(self, name, obj):
        """Write a scenario object to the test's scratch directory and return its path."""
        return write_json(self.path(name), obj)

    def detaudit(self, *args, env=None, timeout=DEFAULT_TIMEOUT_S, expect_rc=None):
        r = run(args, env=env, timeout=timeout)
        if expect_rc is not None:
            codes = expect_rc if isinstance(expect_rc, (set, tuple, list)) else {expect_rc}
            self.assertIn(r.rc, codes, f"unexpected exit code\n{r}")
        return r

    def run_report(self, scenario_path, *extra, expect_rc=None, junit=False, name="report"):
        """`detaudit run` with --json (and --junit); returns (result, report dict, junit path)."""
        json_path = self.path(name + ".json")
        args = ["run", scenario_path, "--json", json_path]
        junit_path = None
        if junit:
            junit_path = self.path(name + ".xml")
            args += ["--junit", junit_path]
        r = self.detaudit(*args, *extra, expect_rc=expect_rc)
        self.assertTrue(os.path.isfile(json_path), f"no JSON report written\n{r}")
        if junit:
            self.assertJunitWellFormed(junit_path)
        return r, load_json(json_path), junit_path

    def run_until(self, scenario_path, predicate, *extra, attempts=5, junit=False):
        """Run repeatedly until predicate(result, report) holds: nondeterminism is probabilistic, so
        a test that must *observe* it retries (bounded) before failing."""
        seen = []
        for attempt in range(attempts):
            r, report, junit_path = self.run_report(scenario_path, *extra, junit=junit,
                                                    name=f"attempt{attempt}")
            if predicate(r, report):
                return r, report, junit_path
            seen.append(summarize_cells(report))
        self.fail(f"not observed in {attempts} attempts of {scenario_path}:\n" + "\n".join(seen))

    # -- assertions --------------------------------------------------------------------------------

    def assertSchemaValid(self, report_path, schema="report.schema.json"):
        errors = schema_errors(report_path, schema)
        self.assertIsNone(errors, f"{report_path} does not match docs/{schema}")

    def assertOneErrorLine(self, r, must_contain=(), rc=EXIT_BAD_INPUT):
        """An error as DESIGN §7/§9 says: exit `rc`, nothing on stdout, one line on stderr
        starting with 'detaudit: ' that contains every string in must_contain."""
        self.assertEqual(r.rc, rc, f"exit code\n{r}")
        self.assertEqual(r.stdout, "", f"stdout must be empty on an error\n{r}")
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"expected exactly one line on stderr\n{r}")
        self.assertTrue(r.stderr.endswith("\n"), f"the error line must end with a newline\n{r}")
        self.assertTrue(lines[0].startswith("detaudit: "), f"error line prefix\n{r}")
        if isinstance(must_contain, str):
            must_contain = [must_contain]
        for text in must_contain:
            self.assertIn(text, lines[0], f"error message\n{r}")
        return lines[0]

    def assertReportConsistent(self, report, rc=None):
        """Invariants that tie the report's parts together (DESIGN §5-§7)."""
        cells = [c for op in report["operations"] for c in op["cells"]]
        expectations = [e for op in report["operations"] for e in op["expectations"]]
        s = report["summary"]
        ok = [c for c in cells if c["status"] == "ok"]
        self.assertEqual(s["operations"], len(report["operations"]))
        self.assertEqual(s["cells"], len(cells))
        self.assertEqual(s["cells_ok"], len(ok))
        self.assertEqual(s["cells_skipped"], sum(c["status"] == "skipped" for c in cells))
        self.assertEqual(s["cells_error"], sum(c["status"] == "error" for c in cells))
        self.assertEqual(s["cells_differing"], sum(c["run_to_run"]["differing_runs"] > 0 for c in ok))
        self.assertEqual(s["cells_identical"], len(ok) - s["cells_differing"])
        errored = [e for e in expectations if e.get("cells_failed")]
        judged = [e for e in expectations if not e.get("cells_failed")]
        self.assertEqual(s["expectations_errored"], len(errored))
        for e in errored:
            cell_failed = any(c["status"] == "error" and (e["backend"] in ("", c["backend"]) or
                                                         c["backend"] in e["backend"].split("~"))
                              for op in report["operations"] for c in op["cells"])
            self.assertTrue(cell_failed, f"cells_failed without a failed cell: {e}")
        self.assertEqual(s["expectations_not_evaluated"], sum(not e["evaluated"] for e in judged))
        self.assertEqual(s["expectations_passed"], sum(e["evaluated"] and e["held"] for e in judged))
        self.assertEqual(s["expectations_failed"], sum(e["evaluated"] and not e["held"] for e in judged))
        if rc is not None:
            self.assertEqual(s["exit_code"], rc, "summary.exit_code must be the process exit code")
        if rc in (EXIT_OK, EXIT_EXPECTATION_FAILED):
            self.assertEqual(rc == EXIT_EXPECTATION_FAILED, s["expectations_failed"] > 0,
                             "exit 1 exactly when an expectation failed")
        for c in ok:
            label = f"cell {c['backend']}/{c['variant']}"
            digests, rr = c["digests"], c["run_to_run"]
            self.assertEqual(len(digests), c["runs"], label)
            for d in digests:
                self.assertRegex(d, r"^[0-9a-f]{32}$", label)
            self.assertEqual(c["distinct_outputs"], len(set(digests)), label)
            self.assertEqual(rr["compared_runs"], max(c["runs"] - 1, 0), label)
            self.assertEqual(rr["differing_runs"], sum(d != digests[0] for d in digests[1:]), label)
            self.assertEqual(rr["diff"]["identical"], rr["differing_runs"] == 0, label)
            if rr["differing_runs"]:
                first = next(i for i, d in enumerate(digests) if d != digests[0]) + 1
                self.assertEqual(rr["first_differing_run"], first, label)
                self.assertIsNone(c["p_diff_95"], label)
            else:
                self.assertIsNone(rr["first_differing_run"], label)
                if c["runs"] >= 2:
                    self.assertAlmostEqual(c["p_diff_95"], p_diff_95(c["runs"]), places=12, msg=label)
                else:
                    self.assertIsNone(c["p_diff_95"], label)
            elements = math.prod(c["output"]["shape"])
            if elements <= 16:
                self.assertEqual(len(c.get("reference_values", [])), elements, label)
            else:
                self.assertNotIn("reference_values", c, label)
            t = c["time"]
            self.assertLessEqual(t["min_s"], t["median_s"], label)
            self.assertLessEqual(t["median_s"], t["max_s"], label)
        for c in cells:
            if c["status"] != "ok":
                self.assertTrue(c.get("reason"), f"a {c['status']} cell must say why: {c}")
        for op in report["operations"]:
            for backend, measured in op["measured_class"].items():
                mine = [c for c in op["cells"] if c["backend"] == backend and c["status"] == "ok"]
                if not mine:
                    self.assertEqual(measured, "not_measured", op["id"])
                elif any(c["run_to_run"]["differing_runs"] for c in mine):
                    self.assertEqual(measured, "nondeterministic", op["id"])
                else:
                    differs = any(not a["diff"]["identical"] for a in op["across_variants"]
                                  if a["backend"] == backend)
                    self.assertEqual(measured, "run_to_run" if differs else "variant_invariant", op["id"])
        # Every comparison's histogram adds up (docs/algorithms.md, "Comparison metrics"); raw
        # bytes have none. The summary counts every axis's comparisons and the ones that failed.
        axes = {"run_to_run": [c["run_to_run"] for c in ok if c["run_to_run"]["compared_runs"] > 0],
                "across_variants": [a for op in report["operations"] for a in op["across_variants"]],
                "cross_backend": [a for op in report["operations"] for a in op["cross_backend"]]}
        for axis, comparisons in axes.items():
            for cmp in comparisons:
                d = cmp["diff"]
                if d.get("raw_bytes"):
                    self.assertIsNone(d["ulp_histogram"], axis)
                elif not d.get("shape_mismatch"):
                    self.assertEqual(sum(d["ulp_histogram"].values()), d["elements"] - d["nan_mismatches"], axis)
            if axis == "run_to_run":
                differing = sum(c["differing_runs"] > 0 for c in comparisons)
            else:
                differing = sum(not c["diff"]["identical"] for c in comparisons)
            failed = sum("verdict" in c and not c["verdict"]["held"] for c in comparisons)
            self.assertEqual(s[axis], {"compared": len(comparisons), "identical": len(comparisons) - differing,
                                       "differing": differing, "failed": failed}, axis)

    def assertJunitWellFormed(self, junit_path):
        """Every JUnit file detaudit writes is well-formed XML 1.0 in UTF-8 (expat checks both);
        returns the parsed root."""
        try:
            return ET.parse(junit_path).getroot()
        except ET.ParseError as e:
            self.fail(f"{junit_path} is not well-formed XML: {e}")

    def assertJunitMatches(self, junit_path, report):
        """One testcase per expectation, in the same order, with a <failure> exactly where the
        expectation failed, an <error> where a cell it judges failed (evaluated or not: a crashed
        cell's expectation never passes), and a <skipped> where it was not evaluated otherwise.
        Each cell's time is counted once, so the testcase times add up to the suites'."""
        root = self.assertJunitWellFormed(junit_path)
        self.assertEqual(root.tag, "testsuites")
        cases = root.findall("./testsuite/testcase")
        # An exec op has one entry per output, named "id:output" in JUnit as on the console.
        expectations = [(op["id"] + (":" + op["output"] if "output" in op else ""), e, junit_errored(op, e))
                        for op in report["operations"] for e in op["expectations"]]
        self.assertEqual(len(cases), len(expectations), "one testcase per expectation")
        self.assertEqual(int(root.get("tests")), len(expectations))
        failed = sum(e["evaluated"] and not e["held"] and not errored for _, e, errored in expectations)
        self.assertEqual(int(root.get("failures")), failed)
        self.assertEqual(int(root.get("errors")), sum(errored for _, _, errored in expectations))
        self.assertEqual(int(root.get("skipped")), sum(not e["evaluated"] and not errored for _, e, errored in expectations))
        for case, (op_id, e, errored) in zip(cases, expectations):
            self.assertEqual(case.get("classname"), junit_text(f"detaudit.{op_id}"))
            self.assertEqual(case.get("name"), f"{e['backend']}.{e['axis']}")
            failure, skipped, error = case.find("failure"), case.find("skipped"), case.find("error")
            self.assertEqual(failure is not None, e["evaluated"] and not e["held"] and not errored, case.get("name"))
            self.assertEqual(error is not None, errored, case.get("name"))
            self.assertEqual(skipped is not None, not e["evaluated"] and not errored, case.get("name"))
            if failure is not None:
                self.assertEqual(failure.get("message"), junit_text(e["detail"]))
        for suite in root.findall("./testsuite"):
            times = [float(case.get("time")) for case in suite.findall("testcase")]
            self.assertAlmostEqual(float(suite.get("time")), sum(times), delta=1e-5 * (1 + len(times)))
        return root


def junit_text(text):
    """Text as JUnit carries it: control characters other than tab, newline and carriage return,
    which XML 1.0 cannot hold, shown as \\xHH (the JSON report already has U+FFFD for bytes that
    are not UTF-8)."""
    return "".join(f"\\x{ord(c):02x}" if (ord(c) < 0x20 and c not in "\t\n\r") or ord(c) == 0x7f else c
                   for c in text)


def junit_errored(op, e):
    """Whether JUnit shows expectation `e` of `op` as an <error>: a cell it judges failed (its
    backend, or either backend of a cross-backend pair)."""
    backends = e["backend"].split("~")
    return bool(e.get("cells_failed")) or any(c["status"] == "error" and c["backend"] in backends
                                              for c in op["cells"])


def needs_parallel_cpu(test):
    """Thread interleaving is only observable with two or more hardware threads."""
    return unittest.skipIf((os.cpu_count() or 1) < 2,
                           "one hardware thread: thread interleaving cannot be observed")(test)


def summarize_cells(report):
    """One line per op: each cell's distinct outputs, for failure messages of retried tests."""
    lines = []
    for op in report["operations"]:
        cells = ", ".join(f"{c['backend']}/{c['variant']}: {c['status']} {c.get('distinct_outputs', '-')} distinct"
                          for c in op["cells"])
        lines.append(f"  {op['id']}: {cells}")
    return "\n".join(lines)


def cell(report, op_id, variant="base", backend="cpu"):
    op = next(o for o in report["operations"] if o["id"] == op_id)
    return next(c for c in op["cells"] if c["variant"] == variant and c["backend"] == backend)


def operation(report, op_id):
    return next(o for o in report["operations"] if o["id"] == op_id)


def expectation(report, op_id, axis, backend="cpu"):
    return next(e for e in operation(report, op_id)["expectations"]
                if e["axis"] == axis and e["backend"] == backend)


def differs_run_to_run(report, op_id, variant="base"):
    return cell(report, op_id, variant)["run_to_run"]["differing_runs"] > 0
