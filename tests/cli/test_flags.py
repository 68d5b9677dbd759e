#!/usr/bin/python3
"""The flags of `detaudit run` and the informational subcommands, end to end."""
import json
import os
import pty
import re
import subprocess
import time

import cli_common as cc

ANSI_COLOR = re.compile(r"\x1b\[[0-9;]*m")
ALGORITHMS = {"reduce": {"sequential", "pairwise", "kahan", "blocked", "per_thread", "atomic", "reproducible"},
              "rng": {"philox", "shared_state"}}


def small(runs=3, **top):
    return {"detaudit": 1, "seed": 1, "runs": runs, **top, "operations": [
        {"id": "sum-blocked", "op": "reduce", "algorithm": "blocked", "n": 8192},
        {"id": "rng-philox", "op": "rng", "algorithm": "philox", "count": 1000}]}


def long_running():
    """A scenario that takes well over 10 s: anything that returns quickly did not run it."""
    return {"detaudit": 1, "runs": 100000, "operations": [
        {"id": "long", "op": "reduce", "algorithm": "sequential", "n": 1 << 22}]}


def cuda_state():
    """(compiled, available) for the cuda backend of this binary on this machine."""
    version = cc.run(["--version"]).stdout
    env = json.loads(cc.run(["env", "--json"]).stdout)
    compiled = "cuda" in version.split("backends:", 1)[-1]
    return compiled, bool(env["backends"].get("cuda", {}).get("available", False))


def run_on_pty(args, env):
    """Run detaudit with stdout on a pseudo-terminal (stderr a pipe); returns (rc, stdout text)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([cc.BINARY] + args, stdout=slave, stderr=subprocess.PIPE, env=env,
                         cwd=cc.SOURCE_DIR)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    p.communicate(timeout=cc.DEFAULT_TIMEOUT_S)
    return p.returncode, b"".join(chunks).decode("utf-8", "replace")


class RunFlags(cc.CliTestCase):
    def test_runs_1(self):
        r, report, _ = self.run_report(self.scenario("s.json", small(runs=5)), "--runs", "1",
                                       expect_rc=cc.EXIT_OK)
        self.assertSchemaValid(self.path("report.json"))
        self.assertReportConsistent(report, rc=r.rc)
        for op in report["operations"]:
            for c in op["cells"]:
                self.assertEqual(c["runs"], 1)
                self.assertEqual(len(c["digests"]), 1)
                self.assertIsNone(c["p_diff_95"], "no bound from a single run")
                self.assertEqual(c["run_to_run"]["compared_runs"], 0)
            r2r = cc.expectation(report, op["id"], "run_to_run")
            self.assertFalse(r2r["evaluated"], "one run cannot show run-to-run identity")

    def test_runs_overrides_scenario(self):
        r, report, _ = self.run_report(self.scenario("s.json", small(runs=2)), "--runs", "6",
                                       expect_rc=cc.EXIT_OK)
        self.assertEqual({c["runs"] for op in report["operations"] for c in op["cells"]}, {6})
        self.assertAlmostEqual(cc.cell(report, "sum-blocked")["p_diff_95"], cc.p_diff_95(6), places=12)

    def test_backend_cpu_drops_cuda_cells(self):
        path = self.scenario("both.json", small(backends=["cpu", "cuda"]))
        r, report, _ = self.run_report(path, "--backend", "cpu", expect_rc=cc.EXIT_OK)
        self.assertReportConsistent(report, rc=r.rc)
        self.assertEqual({c["backend"] for op in report["operations"] for c in op["cells"]}, {"cpu"})
        self.assertEqual([b["name"] for b in report["backends"]], ["cpu"])
        for op in report["operations"]:
            self.assertEqual(op["cross_backend"], [])
            self.assertNotIn("cross_backend", [e["axis"] for e in op["expectations"]])

    def test_require_cuda(self):
        compiled, available = cuda_state()
        r, report, _ = self.run_report(self.scenario("s.json", small()), "--require", "cuda")
        self.assertSchemaValid(self.path("report.json"))
        cuda = [b for b in report["backends"] if b["name"] == "cuda"]
        self.assertEqual(len(cuda), 1, "the required backend is probed and listed")
        if available:
            self.assertEqual(r.rc, cc.EXIT_OK, r)
            self.assertTrue(cuda[0]["available"])
        else:
            self.assertEqual(r.rc, cc.EXIT_REQUIRED_BACKEND, f"--require of an unavailable backend\n{r}")
            self.assertEqual(report["summary"]["exit_code"], cc.EXIT_REQUIRED_BACKEND)
            self.assertFalse(cuda[0]["available"])
            self.assertTrue(cuda[0]["reason"], "an unavailable backend says why")
            if not compiled:
                self.assertIn("not compiled", cuda[0]["reason"])
            self.assertReportConsistent(report, rc=cc.EXIT_REQUIRED_BACKEND)
            # Cells are either run or skipped because of the missing required backend.
            for op in report["operations"]:
                for c in op["cells"]:
                    if c["status"] != "ok":
                        self.assertEqual(c["status"], "skipped")
                        self.assertIn("cuda", c["reason"])

    def test_require_cpu(self):
        r, report, _ = self.run_report(self.scenario("s.json", small()), "--require", "cpu",
                                       expect_rc=cc.EXIT_OK)
        self.assertTrue(next(b for b in report["backends"] if b["name"] == "cpu")["available"])

    def test_backend_cuda_without_gpu_skips_cells(self):
        compiled, available = cuda_state()
        if not compiled:
            self.skipTest("this detaudit was built without the cuda backend (--version)")
        if available:
            self.skipTest("a CUDA device is available: cuda cells run (tests/gpu covers them)")
        path = self.scenario("both.json", small(backends=["cpu", "cuda"], vary={"cpu.threads": [2, 1]}))
        r, report, junit = self.run_report(path, "--backend", "cuda", junit=True)
        self.assertSchemaValid(self.path("report.json"))
        self.assertReportConsistent(report, rc=r.rc)
        self.assertJunitMatches(junit, report)
        cells = [c for op in report["operations"] for c in op["cells"]]
        self.assertEqual({c["backend"] for c in cells}, {"cuda"})
        # cpu.threads does not apply to cuda: only the base variant runs there.
        self.assertEqual(len(cells), len(report["operations"]))
        reason = next(b for b in report["backends"] if b["name"] == "cuda")["reason"]
        for c in cells:
            self.assertEqual(c["status"], "skipped")
            self.assertTrue(c["reason"].startswith("unavailable: "), c["reason"])
            self.assertEqual(c["reason"], "unavailable: " + reason)
            self.assertEqual(c["runs"], 0)
        self.assertEqual(report["summary"]["cells_skipped"], len(cells))
        for op in report["operations"]:
            self.assertTrue(all(not e["evaluated"] for e in op["expectations"]))
            self.assertEqual(op["measured_class"], {"cuda": "not_measured"})
        self.assertIn("unavailable", r.stdout, "the console report says why cells were skipped")

    def test_unwritable_report_paths_fail_before_running(self):
        path = self.scenario("long.json", long_running())
        os.makedirs(self.path("a-directory"))
        a_file = self.path("a-file")
        open(a_file, "w").close()
        cases = [
            (["--json", "/proc/x.json"], ["--json", "/proc/x.json"]),
            (["--json", self.path("no/such/dir/r.json")], "--json"),
            (["--json", self.path("a-directory")], ["--json", "directory"]),
            (["--junit", self.path("a-directory")], ["--junit", "directory"]),
            (["--dump-dir", a_file], "--dump-dir"),
        ]
        for extra, texts in cases:
            with self.subTest(args=" ".join(extra)):
                r = self.detaudit("run", path, *extra, timeout=60)
                self.assertOneErrorLine(r, texts)
                self.assertLess(r.seconds, 8, "refused before running the (long) scenario")
        self.assertEqual(sorted(os.listdir(self.tmp)), ["a-directory", "a-file", "long.json"],
                         "no report or temporary file is left behind")
        self.assertEqual(os.listdir(self.path("a-directory")), [])

    def test_strict(self):
        scenario = {"detaudit": 1, "seed": 2, "runs": 2, "vary": {"cpu.threads": [4, 1]}, "operations": [
            {"id": "sum-per-thread", "op": "reduce", "algorithm": "per_thread", "n": 1 << 18}]}
        path = self.scenario("per-thread.json", scenario)
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK, name="lenient")
        self.assertEqual(cc.expectation(report, "sum-per-thread", "across_variants")["expected"], "any")
        self.assertFalse(report["scenario"]["strict"])
        r, report, junit = self.run_report(path, "--strict", expect_rc=cc.EXIT_EXPECTATION_FAILED,
                                           junit=True, name="strict")
        self.assertReportConsistent(report, rc=r.rc)
        self.assertJunitMatches(junit, report)
        self.assertTrue(report["scenario"]["strict"])
        across = cc.expectation(report, "sum-per-thread", "across_variants")
        self.assertEqual(across["expected"], "identical")
        self.assertFalse(across["held"])
        self.assertTrue(cc.expectation(report, "sum-per-thread", "run_to_run")["held"])

    def test_strict_keeps_what_the_scenario_says(self):
        scenario = {"detaudit": 1, "runs": 2, "vary": {"cpu.threads": [4, 1]}, "operations": [
            {"id": "s", "op": "reduce", "algorithm": "per_thread", "n": 1 << 18,
             "expect": {"across_variants": "differs"}}]}
        r, report, _ = self.run_report(self.scenario("s.json", scenario), "--strict", expect_rc=cc.EXIT_OK)
        self.assertEqual(cc.expectation(report, "s", "across_variants")["expected"], "differs")

    def test_quiet_prints_one_line(self):
        r = self.detaudit("run", self.scenario("s.json", small()), "--quiet", expect_rc=cc.EXIT_OK)
        self.assertEqual(len(r.stdout.splitlines()), 1, r)
        self.assertRegex(r.stdout, r"^\d+ cells?: .*exit 0\n$")
        self.assertEqual(r.stderr, "")

    def test_report_on_stdout_nothing_on_stderr(self):
        r = self.detaudit("run", self.scenario("s.json", small()), expect_rc=cc.EXIT_OK)
        self.assertEqual(r.stderr, "", "no progress or noise on stderr when it is not a terminal")
        self.assertIn("sum-blocked", r.stdout)
        self.assertIn("rng-philox", r.stdout)
        self.assertIn("exit 0", r.stdout.strip().splitlines()[-1])

    def test_verbose_adds_details(self):
        s = self.scenario("s.json", small())
        plain = self.detaudit("run", s, expect_rc=cc.EXIT_OK)
        verbose = self.detaudit("run", s, "--verbose", expect_rc=cc.EXIT_OK)
        self.assertGreater(len(verbose.stdout.splitlines()), len(plain.stdout.splitlines()))
        self.assertIn("95 %", verbose.stdout, "verbose shows the p_diff_95 bound")


class Color(cc.CliTestCase):
    def setUp(self):
        super().setUp()
        self.s = self.scenario("s.json", small())

    def test_always(self):
        for env in (cc.clean_env(), cc.clean_env(NO_COLOR="1")):
            r = self.detaudit("run", self.s, "--color", "always", env=env, expect_rc=cc.EXIT_OK)
            self.assertRegex(r.stdout, ANSI_COLOR, "--color always colours even into a pipe")
        r = self.detaudit("run", self.s, "--color", "always", "--quiet", expect_rc=cc.EXIT_OK)
        self.assertRegex(r.stdout, ANSI_COLOR)
        self.assertEqual(len(r.stdout.splitlines()), 1)

    def test_never_and_pipes(self):
        for args, env in ((["--color", "never"], cc.clean_env()), ([], cc.clean_env()),
                          (["--color", "auto"], cc.clean_env(NO_COLOR="1"))):
            r = self.detaudit("run", self.s, *args, env=env, expect_rc=cc.EXIT_OK)
            self.assertNotIn("\x1b", r.stdout, f"no escapes with {args}")

    def test_auto_on_a_terminal(self):
        rc, out = run_on_pty(["run", self.s, "--color", "auto"], cc.clean_env(TERM="xterm"))
        self.assertEqual(rc, cc.EXIT_OK, out)
        self.assertRegex(out, ANSI_COLOR, "auto colours a terminal")
        rc, out = run_on_pty(["run", self.s], cc.clean_env(TERM="xterm", NO_COLOR="1"))
        self.assertEqual(rc, cc.EXIT_OK, out)
        self.assertNotRegex(out, ANSI_COLOR, "NO_COLOR turns auto colour off on a terminal")
        rc, out = run_on_pty(["run", self.s, "--color", "never"], cc.clean_env(TERM="xterm"))
        self.assertNotRegex(out, ANSI_COLOR)


class Subcommands(cc.CliTestCase):
    def test_help(self):
        for sub in ([], ["run"], ["validate"], ["ops"], ["env"]):
            for flag in ("--help", "-h"):
                with self.subTest(args=" ".join(sub + [flag])):
                    r = self.detaudit(*sub, flag, expect_rc=cc.EXIT_OK)
                    self.assertIn("Usage", r.stdout)
                    self.assertEqual(r.stderr, "")
        top = self.detaudit("--help").stdout
        for sub in ("run", "validate", "ops", "env"):
            self.assertIn(sub, top)
        self.assertIn("130", top, "--help documents the exit codes")
        run_help = self.detaudit("run", "--help").stdout
        for flag in ("--runs", "--backend", "--json", "--junit", "--dump-dir", "--require", "--strict",
                     "--quiet", "--verbose", "--color"):
            self.assertIn(flag, run_help)

    def test_version(self):
        r = self.detaudit("--version", expect_rc=cc.EXIT_OK)
        self.assertRegex(r.stdout, r"^detaudit \d+\.\d+\.\d+ \(backends: cpu(, cuda)?, host\)\n$")
        listed = r.stdout.split("backends: ")[1].rstrip(")\n").split(", ")
        rr, report, _ = self.run_report(self.scenario("s.json", small()), expect_rc=cc.EXIT_OK)
        self.assertEqual(report["tool"]["backends"], listed)
        self.assertIn(report["tool"]["version"], r.stdout)

    def test_ops(self):
        text = self.detaudit("ops", expect_rc=cc.EXIT_OK).stdout
        catalog = json.loads(self.detaudit("ops", "--json", expect_rc=cc.EXIT_OK).stdout)
        kinds = {k["kind"]: {a["name"] for a in k["algorithms"]} for k in catalog}
        for kind, algorithms in ALGORITHMS.items():
            self.assertLessEqual(algorithms, kinds.get(kind, set()), f"ops --json lists {kind}")
        for kind, algorithms in kinds.items():
            self.assertRegex(text, rf"(?m)^{kind}: ", f"ops lists {kind}")
            for a in algorithms:
                self.assertRegex(text, rf"(?m)^\s+{a} \[", f"ops lists {kind}/{a}")
        for k in catalog:
            for a in k["algorithms"]:
                self.assertTrue(a["backends"], f"{a['name']} runs somewhere")
                for design in a["backends"].values():
                    self.assertIn(design, {"not_guaranteed", "run_to_run", "variant_invariant", "cross_backend", "unknown"})

    def test_env(self):
        env = json.loads(self.detaudit("env", "--json", expect_rc=cc.EXIT_OK).stdout)
        self.assertIn("cpu", env)
        self.assertIn("backends", env)
        self.assertIs(env["backends"]["cpu"]["available"], True)
        for name, b in env["backends"].items():
            if not b["available"]:
                self.assertTrue(b.get("reason"), f"{name} unavailable without a reason")
        text = self.detaudit("env", expect_rc=cc.EXIT_OK).stdout
        self.assertIn("backends:", text)


if __name__ == "__main__":
    cc.main()
