#!/usr/bin/python3
"""runs "auto" (stop when decided, at the bound, at the cap) and the host.load axis (threads and
memory there during a cell, gone after it), end to end."""
import math
import os

import cli_common as cc


def deterministic(runs="auto", **top):
    return {"detaudit": 1, "seed": 3, "runs": runs, **top,
            "operations": [{"id": "rng-philox", "op": "rng", "algorithm": "philox", "count": 1000}]}


def changing_every_run(expect):
    """An exec op whose output is its run number: run 2 always differs from run 1."""
    return {"detaudit": 1, "runs": "auto", "backends": ["host"], "operations": [
        {"id": "counter", "op": "exec", "command": ["/bin/sh", "-c", "echo {run} > {out}/run.txt"],
         "outputs": ["run.txt"], "expect": {"run_to_run": expect}}]}


class RunsAuto(cc.CliTestCase):
    def test_a_difference_decides_the_cell_at_run_2(self):
        for expect, rc in (("identical", 1), ("differs", 0)):
            with self.subTest(expect=expect):
                r, report, _ = self.run_report(self.scenario(expect + ".json", changing_every_run(expect)), expect_rc=rc)
                c = report["operations"][0]["cells"][0]
                self.assertEqual(c["runs"], 2, str(r))
                self.assertEqual(c["auto_runs"]["stopped_by"], "decided")
                self.assertIsNone(c["auto_runs"]["p_bound"])
                self.assertFalse(c["auto_runs"]["bound_reached"])
                self.assertEqual(report["scenario"]["runs"], "auto")
                self.assertSchemaValid(self.path("report.json"))

    def test_clean_runs_go_on_until_the_bound(self):
        # ceil(ln(0.1)/ln(0.8)) + 1 = ceil(10.32) + 1 = 12 runs.
        r, report, _ = self.run_report(self.scenario("s.json", deterministic()), "--confidence", "0.9", "--max-p", "0.2",
                                       expect_rc=0)
        c = cc.cell(report, "rng-philox")
        self.assertEqual(c["runs"], 12, str(r))
        self.assertEqual(c["auto_runs"]["stopped_by"], "bound")
        self.assertEqual(c["auto_runs"]["most_runs"], 12)
        self.assertAlmostEqual(c["auto_runs"]["p_bound"], 1 - 0.1 ** (1 / 11), places=12)
        self.assertLessEqual(c["auto_runs"]["p_bound"], 0.2)
        self.assertTrue(c["auto_runs"]["bound_reached"])
        self.assertEqual(report["scenario"]["auto_runs"],
                         {"confidence": 0.9, "max_p": 0.2, "max_runs": None, "most_runs": 12})
        self.assertSchemaValid(self.path("report.json"))

    def test_the_cap_comes_first(self):
        _, report, _ = self.run_report(self.scenario("s.json", deterministic(runs=3)), "--runs", "auto",
                                       "--max-runs", "5", expect_rc=0)
        c = cc.cell(report, "rng-philox")
        self.assertEqual(c["runs"], 5)
        self.assertEqual(c["auto_runs"]["stopped_by"], "cap")
        self.assertAlmostEqual(c["auto_runs"]["p_bound"], 1 - 0.01 ** (1 / 4), places=12)
        self.assertFalse(c["auto_runs"]["bound_reached"])

    def test_fixed_runs_carry_no_auto_fields(self):
        _, report, _ = self.run_report(self.scenario("s.json", deterministic(runs="auto")), "--runs", "3", expect_rc=0)
        c = cc.cell(report, "rng-philox")
        self.assertEqual(c["runs"], 3)
        self.assertNotIn("auto_runs", c)
        self.assertEqual(report["scenario"]["runs"], 3)

    def test_validate_prints_the_worst_case(self):
        r = self.detaudit("validate", self.scenario("s.json", deterministic()), expect_rc=0)
        self.assertIn("1 cell, at most 460 runs", r.stdout)
        self.assertIn("x at most 460 runs (auto: confidence 0.99, max-p 0.01)", r.stdout)
        r = self.detaudit("validate", self.path("s.json"), "--max-runs", "40", expect_rc=0)
        self.assertIn("at most 40 runs (auto: confidence 0.99, max-p 0.01 needs 460, capped by --max-runs)", r.stdout)

    def test_bad_auto_settings_are_one_line_exit_2(self):
        s = self.scenario("s.json", deterministic())
        cases = [(["--confidence", "0"], "--confidence"), (["--confidence", "1"], "--confidence"),
                 (["--confidence", "1.5"], "--confidence"), (["--max-p", "0"], "--max-p"),
                 (["--max-p", "1"], "--max-p"), (["--max-p", "-0.1"], "--max-p"),
                 (["--max-p", "1e-9"], ["--max-p", "more than 10^6", "--max-runs"]),
                 (["--max-runs", "1"], "--max-runs"), (["--runs", "sometimes"], "--runs")]
        for extra, texts in cases:
            for command in ("run", "validate"):
                if command == "validate" and extra[0] == "--runs":
                    continue
                with self.subTest(command=command, flags=" ".join(extra)):
                    json_path = self.path("never.json")
                    more = ["--json", json_path] if command == "run" else []
                    self.assertOneErrorLine(self.detaudit(command, s, *extra, *more), texts)
                    self.assertFalse(os.path.exists(json_path))
        # With a cap, the same settings are accepted.
        self.detaudit("validate", s, "--max-p", "1e-9", "--max-runs", "100", expect_rc=0)

    def test_bad_runs_in_the_scenario(self):
        s = self.scenario("bad.json", deterministic(runs="automatic"))
        self.assertOneErrorLine(self.detaudit("validate", s), ["/runs", "or \"auto\""])


class HostLoad(cc.CliTestCase):
    def test_unknown_load_value_is_refused(self):
        s = self.scenario("bad.json", deterministic(runs=2, vary={"host.load": ["none", "gpu"]}))
        self.assertOneErrorLine(self.detaudit("validate", s), ["/vary/host.load/1", "\"cpu\"", "gpu"])

    def test_load_runs_during_its_cells_and_is_gone_after(self):
        """The exec program logs detaudit's (its parent's) thread count and resident memory: the
        memory and cpu cells run first (base memory, then cpu), the none cell after them."""
        log = self.path("load.log")
        probe = ("echo {variant} $(ls /proc/$PPID/task | wc -l) "
                 "$(awk '/^VmRSS/ {print $2}' /proc/$PPID/status) >> " + log + "; echo x > {out}/x.txt")
        scenario = {"detaudit": 1, "runs": 2, "backends": ["host"], "vary": {"host.load": ["memory", "cpu", "none"]},
                    "operations": [{"id": "probe", "op": "exec", "command": ["/bin/sh", "-c", probe],
                                    "outputs": ["x.txt"]}]}
        r, report, _ = self.run_report(self.scenario("load.json", scenario), expect_rc=0)
        seen = {}
        with open(log) as f:
            for line in f:
                variant, threads, rss_kib = line.split()
                seen.setdefault(variant, []).append((int(threads), int(rss_kib)))
        self.assertEqual(sorted(seen), ["base", "host.load=cpu", "host.load=none"], str(r))
        cpus = len(os.sched_getaffinity(0))
        idle_threads = seen["host.load=none"][0][0]
        for variant in ("base", "host.load=cpu"):
            for threads, _ in seen[variant]:
                self.assertEqual(threads, idle_threads + cpus, f"{variant}: a load thread per CPU, in every run")
        for threads, _ in seen["host.load=none"]:
            self.assertEqual(threads, idle_threads, "the load threads are gone after their cell")
        idle_rss = max(rss for _, rss in seen["host.load=none"])
        for _, rss in seen["base"]:
            self.assertGreaterEqual(rss - idle_rss, 250 * 1024, "the 256 MiB buffer is resident during the memory cell")
        self.assertLess(idle_rss, min(rss for _, rss in seen["base"]) - 200 * 1024, "and returned after it")
        for c in report["operations"][0]["cells"]:
            self.assertIn(c["settings"]["host.load"], ("memory", "cpu", "none"))
        self.assertSchemaValid(self.path("report.json"))


if __name__ == "__main__":
    cc.main()
