#!/usr/bin/python3
"""Report contents checked against independent oracles: --dump-dir files read by numpy, digests
recomputed with xxhsum (XXH3-128 of the output bytes), Philox regenerated in numpy from the
Random123 definition, sums recomputed exactly, values' decimal text checked digit for digit."""
import os
import shutil
import subprocess
import unittest
from decimal import Decimal
from fractions import Fraction

import cli_common as cc

try:
    import numpy as np
except ImportError:  # the tests that need it skip, visibly
    np = None


def needs_numpy(test):
    return unittest.skipIf(np is None, "numpy is not installed for this python")(test)


def xxh128(data):
    """xxhsum -H2 (XXH3-128, printed big-endian as detaudit prints digests) of bytes."""
    exe = shutil.which("xxhsum")
    if exe is None:
        raise unittest.SkipTest("xxhsum is not installed (apt-get install xxhash): cannot recompute digests")
    out = subprocess.run([exe, "-H2", "-"], input=data, capture_output=True, check=True).stdout
    return out.split()[0].decode()


# --- Philox4x32-10 (Salmon et al. 2011, Random123), vectorised --------------------------------------

MASK32 = 0xFFFFFFFF
# Random123 kat_vectors (also in shared/oracles/random123_kat_philox.txt): ctr words, key words, out.
PHILOX_KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)),
    ((MASK32,) * 4, (MASK32, MASK32), (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)),
    ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
     (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)),
]


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in ctr)
    k0, k1 = key
    m32 = np.uint64(MASK32)
    for _ in range(10):
        p0 = c0 * np.uint64(0xD2511F53)
        p1 = c2 * np.uint64(0xCD9E8D57)
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & m32,
                          (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & m32)
        k0, k1 = (k0 + 0x9E3779B9) & MASK32, (k1 + 0xBB67AE85) & MASK32
    return c0, c1, c2, c3


def philox_words(seed, words):
    """Words 0..words-1 of the stream: block b has counter (b, 0, 0, 0), key (seed lo, seed hi)."""
    blocks = np.arange((words + 3) // 4, dtype=np.uint64)
    zero = np.zeros_like(blocks)
    out = philox4x32_10((blocks & np.uint64(MASK32), blocks >> np.uint64(32), zero, zero),
                        (seed & MASK32, seed >> 32))
    return np.stack(out, axis=1).reshape(-1)[:words]


def curand_uniform_f32(words):
    """curand_uniform: float(x) * 2^-32 + 2^-33, each step rounded to float32."""
    k = np.float32(2.3283064e-10)
    return words.astype(np.float32) * k + k / np.float32(2)


def curand_uniform_f64(words):
    """_curand_uniform_double_hq on word pairs (x, y): (x ^ y << 21) * 2^-53 + 2^-54."""
    x, y = words[0::2], words[1::2]
    z = x ^ (y << np.uint64(21))
    k = 1.1102230246251565e-16
    return z.astype(np.float64) * k + k / 2


def round_to_f32(q):
    """The float32 nearest to the exact rational q, ties to even."""
    approx = np.float32(float(q))
    candidates = [np.nextafter(approx, np.float32(-np.inf)), approx, np.nextafter(approx, np.float32(np.inf))]
    return min(candidates, key=lambda c: (abs(Fraction(float(c)) - q), int(c.view(np.uint32)) & 1))


def value_hex(v):
    return "0x" + v.tobytes()[::-1].hex()


class Reports(cc.CliTestCase):
    def assertValueText(self, text, v):
        """A reference value as the report writes it: exact decimal text and the hex of the bits."""
        self.assertEqual(text["hex"], value_hex(v))
        self.assertEqual(Decimal(text["decimal"]), Decimal(float(v)), "the decimal text is exact")

    @needs_numpy
    def test_philox_oracle_matches_random123(self):
        for ctr, key, expected in PHILOX_KAT:
            got = philox4x32_10(tuple(np.array([c], dtype=np.uint64) for c in ctr), key)
            self.assertEqual(tuple(int(w[0]) for w in got), expected)

    @needs_numpy
    def test_philox_digest_is_xxh3_128_of_the_output(self):
        seed = 0x0123456789ABCDEF  # both key words non-zero
        path = self.scenario("philox.json", {
            "detaudit": 1, "seed": seed, "runs": 2, "vary": {"cpu.threads": [2, 1]}, "operations": [
                {"id": "u32", "op": "rng", "algorithm": "philox", "count": 1001, "dtype": "f32"},
                {"id": "u64", "op": "rng", "algorithm": "philox", "count": 777, "dtype": "f64"},
                {"id": "u32-own-seed", "op": "rng", "algorithm": "philox", "count": 16, "seed": 99}]})
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertReportConsistent(report, rc=r.rc)
        expected = {
            "u32": curand_uniform_f32(philox_words(seed, 1001)),
            "u64": curand_uniform_f64(philox_words(seed, 2 * 777)),
            "u32-own-seed": curand_uniform_f32(philox_words(99, 16)),
        }
        for op_id, values in expected.items():
            with self.subTest(op=op_id):
                digest = xxh128(values.tobytes())
                for c in cc.operation(report, op_id)["cells"]:
                    self.assertEqual(c["digests"], [digest] * c["runs"], f"{op_id} {c['variant']}")
        self.assertEqual(cc.operation(report, "u32-own-seed")["parameters"]["seed"], 99)
        # 16 elements: the report carries each value, exactly.
        refs = cc.cell(report, "u32-own-seed")["reference_values"]
        self.assertEqual(len(refs), 16)
        for text, v in zip(refs, expected["u32-own-seed"]):
            self.assertValueText(text, v)

    def test_scenario_digest_is_xxh3_128_of_the_file(self):
        path = self.scenario("s.json", {"detaudit": 1, "runs": 1, "operations": [
            {"id": "s", "op": "reduce", "algorithm": "sequential", "n": 8}]})
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        with open(path, "rb") as f:
            self.assertEqual(report["scenario"]["digest"], xxh128(f.read()))

    @needs_numpy
    def test_dumped_inputs_are_the_inputs_summed(self):
        n = 10007
        path = self.scenario("sums.json", {"detaudit": 1, "seed": 2024, "runs": 2, "operations": [
            {"id": "seq", "op": "reduce", "algorithm": "sequential", "n": n},
            {"id": "seq-twin", "op": "reduce", "algorithm": "sequential", "n": n},
            {"id": "seq64", "op": "reduce", "algorithm": "sequential", "n": n, "dtype": "f64",
             "input": {"distribution": "normal", "mean": 1, "stddev": 3}},
            {"id": "repro", "op": "reduce", "algorithm": "reproducible", "n": n,
             "input": {"distribution": "uniform", "low": -2, "high": 3}},
            {"id": "repro-cancel", "op": "reduce", "algorithm": "reproducible", "n": n,
             "input": {"distribution": "cancelling", "magnitude": 1e6}}]})
        dump = self.path("dump")
        r, report, _ = self.run_report(path, "--dump-dir", dump, expect_rc=cc.EXIT_OK)
        x = {}
        for op in report["operations"]:
            with self.subTest(op=op["id"]):
                f = os.path.join(dump, op["id"], "inputs", "x.npy")
                self.assertTrue(os.path.isfile(f), f)
                x[op["id"]] = np.load(f)
                want = np.float64 if op["parameters"]["dtype"] == "f64" else np.float32
                self.assertEqual(x[op["id"]].dtype, want)
                self.assertEqual(x[op["id"]].shape, (n,))
                self.assertEqual(os.listdir(os.path.join(dump, op["id"])), ["inputs"],
                                 "identical cells dump no outputs")
        self.assertTrue(np.all((x["repro"] >= -2) & (x["repro"] <= 3)))
        self.assertGreater(np.unique(x["seq"]).size, n - 10, "inputs are not constant")
        self.assertAlmostEqual(float(np.mean(x["seq64"])), 1.0, delta=0.2)
        self.assertAlmostEqual(float(np.std(x["seq64"])), 3.0, delta=0.2)
        big = x["repro-cancel"][np.abs(x["repro-cancel"]) > 1000]
        self.assertGreater(big.size, n // 2, "cancelling inputs hold large values")
        self.assertEqual(x["repro-cancel"].astype(np.float64).sum() < 1e4, True)
        # Inputs come from the seed and the op id: another id, other inputs.
        self.assertFalse(np.array_equal(x["seq"], x["seq-twin"]))

        # sequential is left to right in the input's type: numpy's cumsum adds in that order.
        for op_id in ("seq", "seq64"):
            ref = cc.cell(report, op_id)["reference_values"][0]
            self.assertValueText(ref, np.cumsum(x[op_id])[-1])
        # reproducible: the correctly rounded exact sum (every input bit lies within 62 bits of the
        # largest element, which this precondition checks, so none is dropped).
        for op_id in ("repro", "repro-cancel"):
            v = x[op_id]
            nonzero = v[v != 0]
            lowest_bit = np.frexp(nonzero)[1] - 24
            self.assertGreaterEqual(lowest_bit.min(), np.frexp(np.abs(v).max())[1] - 62,
                                    "precondition of the exact-sum oracle: pick another seed")
            exact = sum((Fraction(float(e)) for e in v), Fraction(0))
            self.assertValueText(cc.cell(report, op_id)["reference_values"][0], round_to_f32(exact))

        # A second run dumps the same inputs: they depend on nothing but seed and id.
        dump2 = self.path("dump2")
        self.run_report(path, "--dump-dir", dump2, expect_rc=cc.EXIT_OK, name="again")
        for op_id in x:
            self.assertTrue(np.array_equal(np.load(os.path.join(dump2, op_id, "inputs", "x.npy")), x[op_id]))

    @needs_numpy
    @cc.needs_parallel_cpu
    def test_dump_of_differing_cells(self):
        count = 65536
        path = self.scenario("differ.json", {
            "detaudit": 1, "seed": 77, "runs": 10, "vary": {"cpu.threads": [4, 1]},
            "defaults": {"expect": {"run_to_run": "any"}}, "operations": [
                {"id": "rng-shared", "op": "rng", "algorithm": "shared_state", "count": count},
                {"id": "sum-atomic", "op": "reduce", "algorithm": "atomic", "n": 1 << 20}]})
        dump = self.path("dump")

        def both_differ(r, report):
            return cc.differs_run_to_run(report, "rng-shared") and cc.differs_run_to_run(report, "sum-atomic")

        r, report, _ = self.run_until(path, both_differ, "--dump-dir", dump)
        self.assertReportConsistent(report, rc=r.rc)
        for op_id, shape in (("rng-shared", (count,)), ("sum-atomic", ())):
            with self.subTest(op=op_id):
                c = cc.cell(report, op_id)
                k = c["run_to_run"]["first_differing_run"]
                cell_dir = os.path.join(dump, op_id, "cpu", "base")
                self.assertEqual(sorted(os.listdir(cell_dir)), sorted(["reference.npy", f"run-{k}.npy"]))
                ref = np.load(os.path.join(cell_dir, "reference.npy"))
                other = np.load(os.path.join(cell_dir, f"run-{k}.npy"))
                self.assertEqual(ref.dtype, np.float32)
                self.assertEqual(ref.shape, shape)
                self.assertEqual(other.shape, shape)
                self.assertEqual(xxh128(ref.tobytes()), c["digests"][0], "reference.npy is run 1")
                self.assertEqual(xxh128(other.tobytes()), c["digests"][k - 1], f"run-{k}.npy is run {k}")
                first = c["run_to_run"]["diff"]["first_difference"]
                index = int(np.flatnonzero(ref.reshape(-1) != other.reshape(-1))[0])
                self.assertEqual(first["index"], index)
                self.assertValueText(first["reference"], ref.reshape(-1)[index])
                self.assertValueText(first["other"], other.reshape(-1)[index])
                # The single-thread cell reproduced: nothing dumped for it.
                self.assertFalse(os.path.exists(os.path.join(dump, op_id, "cpu", "cpu.threads=1")))
        c = cc.cell(report, "rng-shared")
        ref = np.load(os.path.join(dump, "rng-shared", "cpu", "base", "reference.npy"))
        other = np.load(os.path.join(dump, "rng-shared", "cpu", "base",
                                     f"run-{c['run_to_run']['first_differing_run']}.npy"))
        self.assertIs(c["run_to_run"]["same_multiset"], True)
        self.assertTrue(np.array_equal(np.sort(ref), np.sort(other)), "the same draws, another order")
        self.assertFalse(np.array_equal(ref, other))
        self.assertFalse(os.path.exists(os.path.join(dump, "rng-shared", "inputs")), "rng has no inputs")
        self.assertTrue(os.path.isfile(os.path.join(dump, "sum-atomic", "inputs", "x.npy")))
        # The atomic sum's reference value is the dumped scalar.
        atomic = cc.cell(report, "sum-atomic")
        self.assertValueText(atomic["reference_values"][0],
                             np.load(os.path.join(dump, "sum-atomic", "cpu", "base", "reference.npy"))[()])

    def test_normalised_parameters(self):
        path = self.scenario("s.json", {"detaudit": 1, "seed": 5, "runs": 1, "operations": [
            {"id": "s", "op": "reduce", "algorithm": "pairwise", "n": 64},
            {"id": "r", "op": "rng", "algorithm": "philox", "count": 8, "seed": 6}]})
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertEqual(cc.operation(report, "s")["parameters"], {
            "n": 64, "dtype": "f32", "seed": 5,
            "input": {"distribution": "uniform", "low": -1.0, "high": 1.0}})
        self.assertEqual(cc.operation(report, "r")["parameters"],
                         {"count": 8, "dtype": "f32", "distribution": "uniform", "seed": 6})
        self.assertEqual(cc.cell(report, "r")["output"], {"dtype": "f32", "shape": [8]})
        self.assertEqual(cc.cell(report, "s")["output"], {"dtype": "f32", "shape": []})


if __name__ == "__main__":
    cc.main()
