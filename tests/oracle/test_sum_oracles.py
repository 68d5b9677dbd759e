#!/usr/bin/python3
"""Independent oracles for the reduce op, end to end through the CLI: the inputs detaudit dumps
are summed exactly in Python (fractions.Fraction, math.fsum) and in the documented orders with
numpy scalars, and compared bit for bit with the values in the JSON report.

usage: test_sum_oracles.py DETAUDIT_BINARY SCRATCH_DIR
"""
import json
import math
import os
import subprocess
import sys
import unittest
from fractions import Fraction

import numpy as np

BINARY = SCRATCH = None


def correctly_rounded(exact, dtype):
    """The value of `dtype` nearest to the Fraction `exact`, ties to even (independent of detaudit)."""
    guess = dtype(float(exact))  # float() of a Fraction is correctly rounded to f64
    best = None
    for candidate in (np.nextafter(guess, dtype(-np.inf)), guess, np.nextafter(guess, dtype(np.inf))):
        if not np.isfinite(candidate):
            continue
        distance = abs(Fraction(float(candidate)) - exact)
        even = (int(np.array(candidate).view(np.uint32 if dtype == np.float32 else np.uint64)) & 1) == 0
        key = (distance, not even)
        if best is None or key < best[0]:
            best = (key, candidate)
    return best[1]


def bits(value, dtype):
    return int(np.array(value, dtype=dtype).view(np.uint32 if dtype == np.float32 else np.uint64))


def run_scenario(ops, name):
    path = os.path.join(SCRATCH, name + ".json")
    with open(path, "w") as f:
        json.dump({"detaudit": 1, "seed": 1234, "runs": 2, "vary": {"cpu.threads": [2, 1]}, "operations": ops}, f)
    report_path = os.path.join(SCRATCH, name + "-report.json")
    dump = os.path.join(SCRATCH, name + "-dump")
    proc = subprocess.run([BINARY, "run", path, "--json", report_path, "--dump-dir", dump, "--quiet"],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise AssertionError("detaudit failed: %s" % proc.stderr)
    with open(report_path) as f:
        report = json.load(f)
    return report, dump


def result_bits(op_report):
    values = {cell["reference_values"][0]["hex"] for cell in op_report["cells"] if cell["status"] == "ok"}
    return values


class SumOracles(unittest.TestCase):
    N = 20011

    def check_exact(self, dtype_name, distribution, algorithm="reproducible"):
        dtype = np.float32 if dtype_name == "f32" else np.float64
        ops = [{"id": "sum", "op": "reduce", "algorithm": algorithm, "dtype": dtype_name, "n": self.N,
                "input": distribution}]
        report, dump = run_scenario(ops, "%s-%s-%s" % (algorithm, dtype_name, distribution["distribution"]))
        x = np.load(os.path.join(dump, "sum", "inputs", "x.npy"))
        self.assertEqual(x.dtype, dtype)
        self.assertEqual(x.shape, (self.N,))
        exact = sum((Fraction(float(v)) for v in x), Fraction(0))
        expected = correctly_rounded(exact, dtype)
        if dtype == np.float64:  # fsum is a second, independent oracle of the same value
            self.assertEqual(math.fsum(x.tolist()), float(expected))
        got = result_bits(report["operations"][0])
        self.assertEqual(len(got), 1, "%s differed across thread counts: %s" % (algorithm, got))
        self.assertEqual(got.pop(), "0x%0*x" % (8 if dtype == np.float32 else 16, bits(expected, dtype)))

    def test_reproducible_f32_uniform_is_correctly_rounded(self):
        self.check_exact("f32", {"distribution": "uniform", "low": -1, "high": 1})

    def test_reproducible_f32_cancelling_is_correctly_rounded(self):
        self.check_exact("f32", {"distribution": "cancelling", "magnitude": 1e6})

    def test_reproducible_f64_normal_is_correctly_rounded(self):
        self.check_exact("f64", {"distribution": "normal", "mean": 3, "stddev": 2})

    def test_exact_is_correctly_rounded(self):
        for dtype_name, distribution in (("f32", {"distribution": "uniform", "low": -1, "high": 1}),
                                         ("f32", {"distribution": "cancelling", "magnitude": 1e30}),
                                         ("f64", {"distribution": "cancelling", "magnitude": 1e300}),
                                         ("f64", {"distribution": "normal", "mean": 3, "stddev": 2})):
            with self.subTest(dtype=dtype_name, input=distribution):
                self.check_exact(dtype_name, distribution, "exact")

    def test_fixed_orders_match_numpy_emulations(self):
        f = np.float32

        def sequential(a):
            acc = f(-0.0)
            for v in a:
                acc = f(acc + v)
            return acc

        def kahan(a):
            s, c = f(-0.0), f(0.0)
            for v in a:
                y = f(v - c)
                t = f(s + y)
                c = f(f(t - s) - y)
                s = t
            return s

        def pairwise(a):
            if len(a) <= 32:
                return sequential(a)
            half = len(a) // 2
            return f(pairwise(a[:half]) + pairwise(a[half:]))

        emulations = {"sequential": sequential, "kahan": kahan, "pairwise": pairwise}
        ops = [{"id": a, "op": "reduce", "algorithm": a, "dtype": "f32", "n": 5003,
                "input": {"distribution": "cancelling", "magnitude": 1000}} for a in emulations]
        report, dump = run_scenario(ops, "orders")
        for op in report["operations"]:
            x = np.load(os.path.join(dump, op["id"], "inputs", "x.npy"))  # inputs are keyed by op id
            expected = emulations[op["id"]](x)
            self.assertEqual(result_bits(op), {"0x%08x" % bits(expected, np.float32)}, op["id"])


if __name__ == "__main__":
    BINARY, SCRATCH = sys.argv[1], sys.argv[2]
    os.makedirs(SCRATCH, exist_ok=True)
    unittest.main(argv=sys.argv[:1], verbosity=2)
