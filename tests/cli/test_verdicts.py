#!/usr/bin/python3
"""One tolerance judge for every dtype (issue 9, items 1, 5, 18, 19, 22): tolerance expectations on
integer, bool and raw-byte outputs are judged (they were ignored), the report stores each
comparison's verdict and reason, integers' max_ulp is |a - b| and raw bytes have no magnitudes,
the summary line counts every axis, and one denominator is used for "runs that differ"."""
import re
import sys

import cli_common as cc

PY = sys.executable  # the tests' own Python (DETAUDIT_PYTHON), which has numpy

# Each run writes random int32 and bool arrays and random bytes, and a constant int32 array.
RANDOM_OUTPUTS = (
    "import numpy as np, os, sys\n"
    "out = sys.argv[1]\n"
    "np.save(os.path.join(out, 'ints.npy'), np.random.randint(-1000, 1000, 64).astype(np.int32))\n"
    "np.save(os.path.join(out, 'flags.npy'), np.random.randint(0, 2, 64).astype(bool))\n"
    "np.save(os.path.join(out, 'same.npy'), np.arange(8, dtype=np.int32))\n"
    "open(os.path.join(out, 'blob.bin'), 'wb').write(os.urandom(64))\n")


def exec_scenario(outputs, runs=3, **top):
    op = {"id": "p", "op": "exec", "command": [PY, "-c", RANDOM_OUTPUTS, "{out}"], "outputs": outputs}
    s = {"detaudit": 1, "name": "verdicts", "runs": runs, "operations": [op]}
    s.update(top)
    return s


def entry(report, output):
    return next(o for o in report["operations"] if o.get("output") == output)


class Verdicts(cc.CliTestCase):
    def run_scenario(self, obj, *extra, expect_rc, name="report"):
        path = self.scenario(name + "-scenario.json", obj)
        r, report, junit = self.run_report(path, "--color", "never", "-v", *extra, expect_rc=expect_rc,
                                           name=name, junit=True)
        self.assertSchemaValid(self.path(name + ".json"))
        self.assertReportConsistent(report, rc=r.rc)
        self.assertJunitMatches(junit, report)
        return r, report

    def test_an_expectation_over_a_failed_cell_is_never_passed(self):
        """Variant b's program fails; variant a's runs are identical. The run-to-run expectation
        used to be counted "passed" in the JSON summary from a's cells alone."""
        code = ("import numpy as np, os, sys\n"
                "if os.environ['MODE'] == 'b': sys.exit('planted failure')\n"
                "np.save(os.path.join(sys.argv[1], 'x.npy'), np.arange(4.0))\n")
        obj = {"detaudit": 1, "name": "errored", "runs": 2, "vary": {"env.MODE": ["a", "b"]},
               "operations": [{"id": "p", "op": "exec", "command": [PY, "-c", code, "{out}"],
                               "outputs": ["x.npy"], "expect": {"run_to_run": "identical"}}]}
        r, report = self.run_scenario(obj, expect_rc=cc.EXIT_EXECUTION_FAILED, name="errored")
        (e,) = [e for e in report["operations"][0]["expectations"] if e["axis"] == "run_to_run"]
        self.assertTrue(e.get("cells_failed"), e)
        s = report["summary"]
        # run_to_run and across_variants both cover the failed cell.
        self.assertEqual((s["expectations_passed"], s["expectations_errored"]), (0, 2), s)
        self.assertIn("2 unproven (a cell failed)", r.stdout)
        listed = r.stdout.split("Unproven expectations (a cell they cover failed)\n", 1)[1]
        self.assertIn("ERROR p:x.npy host run_to_run", listed)
        self.assertNotIn("Passed expectations", r.stdout)

    def test_tolerances_on_integers_bools_and_bytes_fail_when_they_differ(self):
        """The issue's case: random int32 with {"max_ulp": 0} and random bytes with {"max_abs": 0}
        passed with exit 0."""
        obj = exec_scenario([{"path": "ints.npy", "expect": {"run_to_run": {"max_ulp": 0}}},
                             {"path": "blob.bin", "expect": {"run_to_run": {"max_abs": 0}}},
                             {"path": "flags.npy", "expect": {"run_to_run": {"max_rel": 0.5}}},
                             {"path": "same.npy", "expect": {"run_to_run": {"max_ulp": 0}}}])
        r, report = self.run_scenario(obj, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        for output in ("ints.npy", "blob.bin", "flags.npy"):
            with self.subTest(output=output):
                op = entry(report, output)
                (e,) = [e for e in op["expectations"] if e["axis"] == "run_to_run"]
                self.assertTrue(e["evaluated"])
                self.assertFalse(e["held"], e["detail"])
                rr = op["cells"][0]["run_to_run"]
                self.assertFalse(rr["verdict"]["held"])
                self.assertIn(rr["verdict"]["reason"], e["detail"])
                self.assertRegex(r.stdout, rf"FAIL p:{re.escape(output)} host run_to_run")
        same = entry(report, "same.npy")
        self.assertTrue(all(e["held"] for e in same["expectations"]))
        self.assertEqual(same["cells"][0]["run_to_run"]["verdict"], {"held": True, "reason": "identical"})

        # Integers: the ULP distance is |a - b|, never 0 when they differ; the histogram has them.
        ints = entry(report, "ints.npy")["cells"][0]["run_to_run"]
        self.assertEqual(ints["verdict"]["reason"], f"max_ulp {ints['diff']['max_ulp']} > 0")
        self.assertGreater(ints["diff"]["max_ulp"], 0)
        self.assertEqual(ints["diff"]["max_ulp"], ints["diff"]["max_abs"])
        self.assertEqual(ints["diff"]["ulp_histogram"]["0"], 64 - ints["diff"]["differing_elements"])
        # Bools: 0 or 1 apart.
        flags = entry(report, "flags.npy")["cells"][0]["run_to_run"]["diff"]
        self.assertEqual((flags["max_ulp"], flags["max_abs"], flags["max_rel"]), (1, 1, 1))
        # Raw bytes have no magnitude: null, and the console shows no "max ULP 0" for them.
        blob = entry(report, "blob.bin")["cells"][0]["run_to_run"]
        self.assertEqual([blob["diff"][k] for k in ("max_ulp", "max_abs", "max_rel", "ulp_histogram")], [None] * 4)
        self.assertIn("identical bytes required", blob["verdict"]["reason"])
        row = next(line for line in r.stdout.splitlines() if line.startswith("p:blob.bin"))
        self.assertRegex(row, r"\bn/a\b")
        self.assertNotRegex(row, r"differs 2/2 runs\s+-\s+0\b")

    def test_one_denominator_for_runs_that_differ(self):
        obj = exec_scenario([{"path": "ints.npy", "expect": {"run_to_run": "any"}}], runs=4)
        r, report = self.run_scenario(obj, expect_rc=cc.EXIT_OK)
        rr = entry(report, "ints.npy")["cells"][0]["run_to_run"]
        self.assertEqual((rr["compared_runs"], rr["differing_runs"]), (3, 3))
        row = next(line for line in r.stdout.splitlines() if line.startswith("p:ints.npy"))
        self.assertIn("differs 3/3 runs", row)
        self.assertIn("p:ints.npy host base: differs 3/3 runs", r.stdout)
        self.assertNotIn("/4 runs", r.stdout)
        self.assertNotIn("verdict", rr, "an \"any\" expectation judges nothing")

    def test_summary_line_counts_every_axis(self):
        """Identical runs must not read as "all identical" above failed across-variant
        expectations: each axis is counted."""
        code = ("import numpy as np, os, sys\n"
                "np.save(os.path.join(sys.argv[1], 'v.npy'), np.array([float(os.environ.get('SCALE', '1'))]))\n")
        obj = {"detaudit": 1, "name": "axes", "runs": 2, "vary": {"env.SCALE": ["1", "2", "3"]},
               "operations": [{"id": "s", "op": "exec", "command": [PY, "-c", code, "{out}"], "outputs": ["v.npy"],
                               "expect": {"across_variants": "identical"}}]}
        r, report = self.run_scenario(obj, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        summary = r.stdout.splitlines()[-1]
        self.assertEqual(summary, "3 cells: 3 ran, 0 skipped · run to run: 3 identical · across variants: "
                                  "0 identical, 2 differ (2 failed) · expectations: 1 passed, 1 failed · exit 1")
        self.assertEqual(report["summary"]["across_variants"],
                         {"compared": 2, "identical": 0, "differing": 2, "failed": 2})
        # The rows behind the failure say FAIL, from the stored verdicts.
        rows = [line for line in r.stdout.splitlines() if re.match(r"^\S*\s+host\s+(base|env\.SCALE=)", line)]
        self.assertEqual([line.endswith("FAIL") for line in rows], [False, True, True], rows)
        (across,) = [a for a in report["operations"][0]["across_variants"] if a["variant"] == "env.SCALE=2"]
        self.assertEqual(across["verdict"], {"held": False, "reason": "identical required"})

    def test_singular_and_plural(self):
        code = "import os, sys\nopen(os.path.join(sys.argv[1], 'note.txt'), 'w').write('run ' + sys.argv[2])\n"
        obj = {"detaudit": 1, "name": "one", "runs": 2,
               "operations": [{"id": "n", "op": "exec", "command": [PY, "-c", code, "{out}", "{run}"],
                               "outputs": ["note.txt"], "expect": {"run_to_run": "any"}}]}
        path = self.scenario("one-scenario.json", obj)
        r = self.detaudit("run", path, "--color", "never", "-v", expect_rc=cc.EXIT_OK)
        self.assertIn("1 cell: 1 ran, 0 skipped · run to run: 0 identical, 1 differs ·", r.stdout)
        self.assertIn("differs 1/1 runs", r.stdout)
        self.assertIn("1 of 5 bytes differs; first at offset 4", r.stdout)
        self.assertNotIn("1 cells", r.stdout)
        self.assertNotIn("ULP", r.stdout.split("\n\n", 2)[1].splitlines()[1], "no ULP for raw bytes")

if __name__ == "__main__":
    cc.main()
