#!/usr/bin/python3
"""Issue 13, items 1 and 2: "accuracy" (each cell against an exact reference computed once per op)
and "data" (ops sharing inputs, compared across algorithms), end to end. The reference's values are
checked against independent oracles here: the exact sum of the dumped inputs in fractions.Fraction,
rounded in Python, and the ULP distance of each cell's output from it computed in numpy."""
import copy
import os
from fractions import Fraction

import numpy as np

import cli_common as cc


def correctly_rounded_f32(exact):
    """The f32 nearest to the Fraction `exact`, ties to even."""
    guess = np.float32(float(exact))
    best = None
    for c in (np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))):
        key = (abs(Fraction(float(c)) - exact), int(np.array(c).view(np.uint32)) & 1)
        if best is None or key < best[0]:
            best = (key, c)
    return best[1]


def ulp_f32(a, b):
    def key(v):
        i = int(np.array(v, dtype=np.float32).view(np.int32))
        return i if i >= 0 else -(i & 0x7fffffff)
    return abs(key(a) - key(b))


def op(report, op_id):
    return next(o for o in report["operations"] if o["id"] == op_id)


class Accuracy(cc.CliTestCase):
    def example(self):
        return cc.load_json(cc.source_path("scenarios", "accuracy.json"))

    def test_example_scenario(self):
        path = cc.source_path("scenarios", "accuracy.json")
        dump = self.path("dump")
        r, report, _ = self.run_report(path, "--color", "never", "--dump-dir", dump, expect_rc=cc.EXIT_OK)
        self.assertSchemaValid(self.path("report.json"))
        self.assertReportConsistent(report, rc=r.rc)
        x = np.load(os.path.join(dump, "sum-exact", "inputs", "x.npy"))
        for other in ("sum-reproducible", "sum-blocked", "sum-atomic"):  # "data": the same inputs
            self.assertTrue(np.array_equal(np.load(os.path.join(dump, other, "inputs", "x.npy")), x), other)
        exact = correctly_rounded_f32(sum((Fraction(float(v)) for v in x), Fraction(0)))
        for op_id in ("sum-reproducible", "sum-exact", "sum-blocked", "sum-atomic"):
            o = op(report, op_id)
            self.assertIn("exact sum", o["accuracy_reference"]["method"])
            for cell in o["cells"]:
                got = np.array(int(cell["reference_values"][0]["hex"], 16), dtype=np.uint32).view(np.float32)
                self.assertEqual(cell["accuracy"]["max_ulp"], ulp_f32(got, exact), (op_id, cell["variant"]))
                spread = cell["run_to_run"]["diff"]["max_ulp"]
                ratio = cell["accuracy"]["drift_to_error"]
                if cell["accuracy"]["max_ulp"] == 0:
                    self.assertIsNone(ratio)
                else:
                    self.assertAlmostEqual(ratio, spread / cell["accuracy"]["max_ulp"])
        for cell in op(report, "sum-exact")["cells"]:
            self.assertEqual(cell["accuracy"]["max_ulp"], 0)
        # Same data, different algorithms: exact == reproducible, blocked == naive (both judged).
        for op_id, first in (("sum-exact", "sum-reproducible"), ("mm-blocked", "mm-naive")):
            o = op(report, op_id)
            self.assertEqual(len(o["across_algorithms"]), 1)
            c = o["across_algorithms"][0]
            self.assertEqual((c["reference"], c["other"], c["diff"]["identical"]), (first, op_id, True))
            e = [e for e in o["expectations"] if e["axis"] == "across_algorithms"]
            self.assertEqual([(x["held"], x["evaluated"]) for x in e], [(True, True)])
        # The matmul reference: naive's fma chain is close to the exact dot products, not equal to
        # them everywhere; elementwise: glibc's expf is within a few ULP of MPFR.
        self.assertIn("exact dot", op(report, "mm-naive")["accuracy_reference"]["method"])
        self.assertIn("MPFR", op(report, "exp-libm")["accuracy_reference"]["method"])
        for cell in op(report, "exp-libm")["cells"]:
            self.assertLessEqual(cell["accuracy"]["max_ulp"], 4)
        self.assertIn("\nAccuracy (", r.stdout)
        self.assertIn("\nAcross algorithms (", r.stdout)
        self.assertIn("sum-exact vs sum-reproducible on cpu [data sum-input]: identical (pass)", r.stdout)

    def test_across_algorithms_failure_is_reported(self):
        # blocked and sequential add in different orders: on cancelling inputs their bits differ.
        s = self.example()
        blocked = copy.deepcopy(next(o for o in s["operations"] if o["id"] == "sum-blocked"))
        sequential = dict(blocked, id="sum-sequential", algorithm="sequential",
                          expect={"across_algorithms": "identical"})
        blocked["input"] = sequential["input"] = {"distribution": "cancelling", "magnitude": 1e6}
        s["operations"] = [blocked, sequential]
        path = self.scenario("differs.json", s)
        r, report, _ = self.run_report(path, "--color", "never", expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertSchemaValid(self.path("report.json"))
        self.assertReportConsistent(report, rc=r.rc)
        c = op(report, "sum-sequential")["across_algorithms"][0]
        self.assertFalse(c["diff"]["identical"])
        self.assertEqual(c["verdict"]["held"], False)
        e = [e for e in op(report, "sum-sequential")["expectations"] if e["axis"] == "across_algorithms"]
        self.assertEqual([(x["held"], x["evaluated"]) for x in e], [(False, True)])
        self.assertEqual(report["summary"]["expectations_failed"], 1)
        self.assertIn("sum-sequential vs sum-blocked on cpu [data sum-input]: ", r.stdout)
        self.assertIn("(FAIL)", r.stdout)

    def bad(self, mutate, must_contain):
        s = self.example()
        mutate(s)
        path = self.scenario("bad.json", s)
        r = self.detaudit("run", path, "--json", self.path("never.json"))
        self.assertOneErrorLine(r, must_contain)
        self.assertFalse(os.path.exists(self.path("never.json")))
        return r

    def test_bad_input(self):
        def rng_accuracy(s):
            s["operations"].append({"id": "r", "op": "rng", "algorithm": "philox", "count": 16, "accuracy": True})
        self.bad(rng_accuracy, ["/operations/7/accuracy", "accuracy has no reference for rng"])

        def rng_from_defaults(s):
            s["operations"].append({"id": "r", "op": "rng", "algorithm": "philox", "count": 16})
        self.bad(rng_from_defaults, ["/defaults/accuracy", "accuracy has no reference for rng", "/operations/7"])

        def shape_mismatch(s):
            s["operations"][2]["n"] = 1000
        self.bad(shape_mismatch, ["/operations/2/data", "/operations/0 (\"sum-reproducible\")", "`n` differs"])

        def kind_mismatch(s):
            s["operations"][4]["data"] = "sum-input"
        self.bad(kind_mismatch, ["/operations/4/data", "sum-reproducible", "matmul", "reduce"])

        def seed_mismatch(s):
            s["operations"][3]["seed"] = 99
        self.bad(seed_mismatch, ["/operations/3/data", "seeds differ"])

        def lone_expectation(s):
            s["operations"][6]["expect"] = {"across_algorithms": "identical"}
        self.bad(lone_expectation, ["/operations/6/expect/across_algorithms", "has no \"data\""])

        def not_boolean(s):
            s["defaults"]["accuracy"] = "yes"
        self.bad(not_boolean, ["/defaults/accuracy", "expected true or false"])

        def bad_name(s):
            s["operations"][0]["data"] = "a b"
        self.bad(bad_name, ["/operations/0/data", "data name"])


if __name__ == "__main__":
    cc.main()
