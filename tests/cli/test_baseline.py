#!/usr/bin/python3
"""`run --baseline REPORT.json --baseline-dumps DIR` end to end (docs/fleet.md, "Baselines"): a
"baseline" tolerance judged on values measured against the baseline run's dumped reference, gating
both ways. The differences are real and known: an exec program that writes an output some ULP away
from the baseline's (the distance set from outside, by an environment variable), and dumps doctored
with numpy. Missing, mismatched and malformed dumps, and every bad flag combination."""
import copy
import os
import sys

import cli_common as cc

try:
    import numpy as np
except ImportError:
    np = None

PY = sys.executable  # the tests' own Python (DETAUDIT_PYTHON), which has numpy

# y = [1, 2, ..., 8] as f32, with y[3] = 4.0 moved SHIFT ULP up (its bit pattern + SHIFT).
WRITER = ("import numpy as np, os, sys\n"
          "y = np.arange(1, 9, dtype=np.float32)\n"
          "bits = y.view(np.uint32)\n"
          "bits[3] += int(os.environ.get('SHIFT', '0'))\n"
          "np.save(os.path.join(sys.argv[1], 'y.npy'), y)\n")

TOLERANCE = {"max_ulp": 4}


def scenario(baseline_expectation=TOLERANCE):
    return {"detaudit": 1, "name": "baseline-test", "runs": 2, "seed": 3, "operations": [
        {"id": "writer", "op": "exec", "command": [PY, "-c", WRITER, "{out}"], "outputs": ["y.npy"],
         "expect": {"baseline": baseline_expectation}},
        {"id": "sum", "op": "reduce", "algorithm": "sequential", "dtype": "f32", "n": 1000,
         "expect": {"baseline": baseline_expectation}},
        {"id": "plain", "op": "reduce", "algorithm": "pairwise", "dtype": "f64", "n": 64},
    ]}


def baseline_results(report, entry):
    return [e for op in report["operations"] if (op["id"] + (":" + op["output"] if "output" in op else "")) == entry
            for e in op["expectations"] if e["axis"] == "baseline"]


def differing(report, entry):
    return [c for c in report["scenario"]["baseline"]["differing_cells"] if c["operation"] == entry]


def ulp_distance_f32(a, b):
    """The oracle: ULP distance of finite f32 values of one sign, from their bit patterns."""
    return int(abs(np.int64(np.float32(a).view(np.int32)) - np.int64(np.float32(b).view(np.int32))))


class BaselineDumps(cc.CliTestCase):
    def setUp(self):
        super().setUp()
        if np is None:
            self.skipTest("numpy is not installed")
        self.scenario_path = self.scenario("scenario.json", scenario())
        self.dumps = self.path("baseline-dumps")
        self.detaudit("run", self.scenario_path, "--json", self.path("baseline.json"), "--dump-dir", self.dumps, "-q",
                      env=self.env(0), expect_rc=cc.EXIT_OK)
        self.saved = cc.load_json(self.path("baseline.json"))

    def env(self, shift):
        return dict(cc.clean_env(), SHIFT=str(shift))

    def against_baseline(self, name, shift=0, baseline=None, dumps=None, expect_rc=cc.EXIT_OK):
        out = self.path(name + ".json")
        r = self.detaudit("run", self.scenario_path, "--json", out, "--baseline", baseline or self.path("baseline.json"),
                          "--baseline-dumps", dumps or self.dumps, "--color", "never", env=self.env(shift),
                          expect_rc=expect_rc)
        self.assertSchemaValid(out)
        return r, cc.load_json(out)

    def reference_path(self, op_id):
        return os.path.join(self.dumps, op_id, "cpu", "base", "reference.npy")

    def with_digest_changed(self, name, op_id):
        """The saved report with op_id's run-1 digest changed: its dumped reference is then measured."""
        report = copy.deepcopy(self.saved)
        cell = next(op for op in report["operations"] if op["id"] == op_id)["cells"][0]
        cell["digests"][0] = "0" * 32
        return cc.write_json(self.path(name), report)

    def test_a_tolerance_makes_dump_dir_keep_every_reference(self):
        # Runs that agree dump no reference, unless the op states a baseline tolerance.
        self.assertTrue(os.path.isfile(os.path.join(self.dumps, "writer", "host", "base", "y.npy", "reference.npy")))
        self.assertTrue(os.path.isfile(self.reference_path("sum")))
        self.assertFalse(os.path.exists(os.path.join(self.dumps, "plain", "cpu")))

    def test_exec_output_within_tolerance_passes_and_beyond_fails(self):
        r, report = self.against_baseline("within", shift=3)
        held = baseline_results(report, "writer:y.npy")
        self.assertEqual(len(held), 1)
        self.assertTrue(held[0]["evaluated"] and held[0]["held"], held[0])
        self.assertEqual(held[0]["expected"], TOLERANCE)
        [cell] = differing(report, "writer:y.npy")
        y0 = np.arange(1, 9, dtype=np.float32)
        y3 = y0.copy()
        y3.view(np.uint32)[3] += 3
        self.assertEqual(cell["diff"]["max_ulp"], ulp_distance_f32(y0[3], y3[3]))
        self.assertEqual(cell["diff"]["differing_elements"], 1)
        self.assertEqual(cell["diff"]["first_difference"]["index"], 3)
        self.assertAlmostEqual(cell["diff"]["max_abs"], float(y3[3]) - float(y0[3]), delta=0)
        self.assertEqual(cell["diff"]["ulp_histogram"]["2-3"], 1)
        self.assertTrue(cell["held"])
        self.assertIn("within", cell["reason"])
        self.assertEqual(report["summary"]["exit_code"], cc.EXIT_OK)

        r, report = self.against_baseline("beyond", shift=9, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        [failed] = [e for e in baseline_results(report, "writer:y.npy") if not e["held"]]
        self.assertIn("max 9 ULP", failed["detail"])
        self.assertIn("max_ulp 9 > 4", failed["detail"])
        self.assertIn("max_ulp 9 > 4", r.stdout)  # the console's failed expectations
        [cell] = differing(report, "writer:y.npy")
        self.assertEqual(cell["diff"]["max_ulp"], 9)
        self.assertFalse(cell["held"])
        # The deterministic built-in ops matched their baseline digests: nothing measured.
        self.assertEqual(differing(report, "sum"), [])

    def doctor(self, op_id, ulps, elements):
        """The baseline's dumped reference with `elements` moved `ulps` ULP (f32 bit patterns)."""
        ref = np.load(self.reference_path(op_id))
        changed = ref.copy()
        flat = changed.reshape(-1).view(np.uint32)
        flat[list(elements)] += ulps
        np.save(self.reference_path(op_id), changed)
        return ref, changed

    def test_doctored_dump_gates_both_ways(self):
        baseline = self.with_digest_changed("changed.json", "sum")
        ref, changed = self.doctor("sum", 2, [0])
        r, report = self.against_baseline("two-ulp", baseline=baseline)
        [cell] = differing(report, "sum")
        self.assertEqual(cell["diff"]["max_ulp"], ulp_distance_f32(ref.reshape(-1)[0], changed.reshape(-1)[0]))
        self.assertEqual(cell["diff"]["differing_elements"], 1)
        self.assertTrue(cell["held"])
        self.assertTrue(all(e["held"] for e in baseline_results(report, "sum")))

        self.doctor("sum", 100, [0])  # now 102 ULP from this run's value
        r, report = self.against_baseline("far", baseline=baseline, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        [cell] = differing(report, "sum")
        self.assertEqual(cell["diff"]["max_ulp"], 102)
        self.assertEqual(cell["reason"], "max_ulp 102 > 4")
        self.assertEqual(report["summary"]["expectations_failed"], 1)

    def test_identical_expectation_fails_on_the_digest_and_says_by_how_much(self):
        # "identical" fails on the digest alone. Its runs agreeing, the baseline run kept no
        # reference, so the cell is reported as not measured; given one, the statistics say how far.
        path = self.scenario("identical.json", scenario("identical"))
        dumps = self.path("identical-dumps")
        self.detaudit("run", path, "--json", self.path("identical-baseline.json"), "--dump-dir", dumps, "-q",
                      env=self.env(0), expect_rc=cc.EXIT_OK)
        reference = os.path.join(dumps, "writer", "host", "base", "y.npy", "reference.npy")
        self.assertFalse(os.path.exists(reference))
        out = self.path("identical-run.json")
        args = ["run", path, "--json", out, "--baseline", self.path("identical-baseline.json"), "--baseline-dumps", dumps]
        r = self.detaudit(*args, env=self.env(1), expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertIn("could not be measured against --baseline-dumps", r.stderr)
        [cell] = differing(cc.load_json(out), "writer:y.npy")
        self.assertEqual((cell["diff"], cell["reason"], cell["held"]), (None, "digest differs", False))

        os.makedirs(os.path.dirname(reference))
        np.save(reference, np.arange(1, 9, dtype=np.float32))  # what the baseline run wrote
        r = self.detaudit(*args, env=self.env(1), expect_rc=cc.EXIT_EXPECTATION_FAILED)
        report = cc.load_json(out)
        [failed] = [e for e in baseline_results(report, "writer:y.npy") if not e["held"]]
        self.assertIn("1 of 1 cells differ", failed["detail"])
        self.assertIn("max 1 ULP", failed["detail"])
        [cell] = differing(report, "writer:y.npy")
        self.assertEqual((cell["diff"]["max_ulp"], cell["reason"], cell["held"]), (1, "digest differs", False))

    def test_missing_mismatched_or_malformed_dump_is_reported_not_a_crash(self):
        baseline = self.with_digest_changed("changed.json", "sum")
        os.remove(self.reference_path("sum"))
        r, report = self.against_baseline("missing", baseline=baseline, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertIn("1 cell could not be measured against --baseline-dumps", r.stderr)
        self.assertIn("no dumped reference", r.stderr)
        [cell] = differing(report, "sum")
        self.assertIsNone(cell["diff"])
        self.assertTrue(cell["reason"].startswith("not measured: no dumped reference"), cell["reason"])

        np.save(self.reference_path("sum"), np.zeros(7, dtype=np.float64))
        r, report = self.against_baseline("mismatch", baseline=baseline, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        [cell] = differing(report, "sum")
        self.assertTrue(cell["diff"]["shape_mismatch"])
        self.assertFalse(cell["held"])

        with open(self.reference_path("sum"), "wb") as f:
            f.write(b"not an npy file")
        r, report = self.against_baseline("malformed", baseline=baseline, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertIn("could not be measured", r.stderr)
        [cell] = differing(report, "sum")
        self.assertIsNone(cell["diff"])
        self.assertIn(self.reference_path("sum"), cell["reason"])

    def test_bad_flag_combinations(self):
        out = self.path("never.json")
        base = self.path("baseline.json")
        cases = [
            (["--baseline", base], ["--baseline-dumps", "tolerance", "/operations/0"]),
            (["--baseline-dumps", self.dumps], ["--baseline-dumps", "--baseline"]),
            (["--baseline", base, "--baseline-dumps", self.path("nowhere")], ["--baseline-dumps", "not a directory"]),
            (["--baseline", base, "--baseline-dumps", base], ["--baseline-dumps", "not a directory"]),
            (["--baseline", base, "--baseline-dumps", self.dumps, "--dump-dir", self.dumps],
             ["--baseline-dumps", "--dump-dir"]),
            (["--baseline", base, "--baseline-dumps", ""], ["--baseline-dumps"]),
        ]
        for flags, words in cases:
            with self.subTest(flags=flags):
                r = self.detaudit("run", self.scenario_path, "--json", out, *flags)
                self.assertOneErrorLine(r, words)
                self.assertFalse(os.path.exists(out))


class BytesDump(cc.CliTestCase):
    def test_a_file_that_is_not_an_array_is_compared_by_bytes(self):
        # A tolerance has no magnitude to apply to bytes: the judge requires them identical.
        obj = {"detaudit": 1, "name": "bytes-baseline", "runs": 2, "operations": [
            {"id": "t", "op": "exec", "command": ["/bin/sh", "-c", "printf 'value %s' \"$V\" > \"$0/out.txt\"", "{out}"],
             "outputs": ["out.txt"], "expect": {"baseline": TOLERANCE}}]}
        path = self.scenario("bytes.json", obj)
        dumps = self.path("dumps")
        self.detaudit("run", path, "--json", self.path("base.json"), "--dump-dir", dumps, "-q",
                      env=dict(cc.clean_env(), V="1"), expect_rc=cc.EXIT_OK)
        with open(os.path.join(dumps, "t", "host", "base", "out.txt", "reference.bytes"), "rb") as f:
            self.assertEqual(f.read(), b"value 1")
        for value, want in (("2", {"differing_elements": 1, "shape_mismatch": False}),
                            ("22", {"differing_elements": 0, "shape_mismatch": True})):
            out = self.path(f"run-{value}.json")
            self.detaudit("run", path, "--json", out, "--baseline", self.path("base.json"), "--baseline-dumps", dumps,
                          env=dict(cc.clean_env(), V=value), expect_rc=cc.EXIT_EXPECTATION_FAILED)
            self.assertSchemaValid(out)
            [cell] = cc.load_json(out)["scenario"]["baseline"]["differing_cells"]
            self.assertEqual({k: cell["diff"].get(k, False) for k in want}, want)
            self.assertFalse(cell["held"])


if __name__ == "__main__":
    cc.main()
