#!/usr/bin/python3
"""kernels/common/exact_sum.hpp and exact_dot.hpp against Python's fractions.Fraction: random,
cancelling, subnormal, overflow-to-infinity, ties-to-even and special-value cases, for f32 and f64.
The expected values are computed here, independently: the exact rational sum, rounded to the
nearest float of the dtype with ties to even (IEEE round to nearest), and IEEE's rules for NaN,
infinities and the sign of zero.

usage: test_exact_sum.py EXACT_SUM_TOOL
"""
import math
import random
import struct
import subprocess
import sys
import unittest
from fractions import Fraction

TOOL = None
FORMATS = {"f32": ("<f", "<I", 23, 127, 8), "f64": ("<d", "<Q", 52, 1023, 11)}


def to_bits(value, dtype):
    f, i = FORMATS[dtype][:2]
    return struct.unpack(i, struct.pack(f, value))[0]


def from_bits(bits, dtype):
    f, i = FORMATS[dtype][:2]
    return struct.unpack(f, struct.pack(i, bits))[0]


def round_fraction(exact, dtype):
    """Bits of the dtype value nearest to `exact`, ties to even; infinities on overflow."""
    _, _, mant, bias, ebits = FORMATS[dtype]
    if exact == 0:
        return 0
    sign = 1 << (mant + ebits) if exact < 0 else 0
    mag = abs(exact)
    lsb = 1 - bias - mant  # exponent of the smallest subnormal
    e = mag.numerator.bit_length() - mag.denominator.bit_length()  # 2^e <= mag < 2^(e+2)
    while Fraction(2) ** e > mag:
        e -= 1
    while Fraction(2) ** (e + 1) <= mag:
        e += 1
    ulp_exp = max(e - mant, lsb)
    scaled = mag / Fraction(2) ** ulp_exp
    q, rem = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rem
    if twice > scaled.denominator or (twice == scaled.denominator and q % 2 == 1):
        q += 1
    field = ulp_exp - lsb
    bits = (field << mant) + q
    if bits >= ((1 << ebits) - 1) << mant:
        bits = ((1 << ebits) - 1) << mant
    return sign | bits


def expected_sum(values, dtype):
    if any(math.isnan(v) for v in values):
        return "nan"
    pos, neg = math.inf in values, -math.inf in values
    if pos and neg:
        return "nan"
    if pos or neg:
        return to_bits(math.inf if pos else -math.inf, dtype)
    exact = sum((Fraction(v) for v in values), Fraction(0))
    if exact == 0:
        all_neg_zero = values and all(v == 0 and math.copysign(1, v) < 0 for v in values)
        return to_bits(-0.0 if all_neg_zero else 0.0, dtype)
    return round_fraction(exact, dtype)


def expected_dot(a, b, dtype):
    products = []
    for x, y in zip(a, b):
        if math.isnan(x) or math.isnan(y) or (math.isinf(x) and y == 0) or (math.isinf(y) and x == 0):
            return "nan"
        if math.isinf(x) or math.isinf(y):
            products.append(math.copysign(math.inf, x) * math.copysign(1, y))
        else:
            products.append(None)
    infs = [p for p in products if p is not None]
    if math.inf in infs and -math.inf in infs:
        return "nan"
    if infs:
        return to_bits(infs[0], dtype)
    exact = sum((Fraction(x) * Fraction(y) for x, y in zip(a, b)), Fraction(0))
    if exact == 0:
        all_neg = a and all((x == 0 or y == 0) and math.copysign(1, x) * math.copysign(1, y) < 0
                            for x, y in zip(a, b))
        return to_bits(-0.0 if all_neg else 0.0, dtype)
    return round_fraction(exact, dtype)


def representable(values, dtype):
    return [from_bits(to_bits(v, dtype), dtype) for v in values]


def run_tool(lines):
    out = subprocess.run([TOOL], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return out.stdout.split()


class ExactSum(unittest.TestCase):
    def check(self, cases):
        """cases: (kind, dtype, payload) with payload a list (sum) or a pair of lists (dot)."""
        lines, expected = [], []
        for kind, dtype, payload in cases:
            if kind == "sum":
                values = representable(payload, dtype)
                lines.append("sum %s %s" % (dtype, " ".join("%x" % to_bits(v, dtype) for v in values)))
                expected.append(expected_sum(values, dtype))
            else:
                a, b = representable(payload[0], dtype), representable(payload[1], dtype)
                lines.append("dot %s %d %s %s" % (dtype, len(a), " ".join("%x" % to_bits(v, dtype) for v in a),
                                                 " ".join("%x" % to_bits(v, dtype) for v in b)))
                expected.append(expected_dot(a, b, dtype))
        got = run_tool(lines)
        self.assertEqual(len(got), len(cases))
        for line, want, have in zip(lines, expected, got):
            dtype = line.split()[1]
            if want == "nan":
                self.assertTrue(math.isnan(from_bits(int(have, 16), dtype)), line)
            else:
                self.assertEqual(int(have, 16), want, "%s: expected %x got %s" % (line[:200], want, have))

    def test_random_sums(self):
        rng = random.Random(7)
        cases = []
        for dtype in ("f32", "f64"):
            for _ in range(300):
                n = rng.randint(1, 60)
                scale = 10.0 ** rng.randint(-30, 30)
                cases.append(("sum", dtype, [rng.uniform(-1, 1) * scale * 10.0 ** rng.randint(-8, 8) for _ in range(n)]))
        self.check(cases)

    def test_cancelling_sums(self):
        rng = random.Random(11)
        cases = [("sum", "f32", [-9.587914e29, 9.587914e29, -0.9050461]),
                 ("sum", "f64", [1e300, 1.0, -1e300]), ("sum", "f64", [2.0 ** 1000, 2.0 ** -1000, -(2.0 ** 1000)]),
                 ("sum", "f32", [3e38, 1e-45, -3e38]), ("sum", "f64", [1e308, -1e308, 5e-324, 5e-324])]
        for dtype, big in (("f32", 1e30), ("f64", 1e300)):
            for _ in range(100):
                small = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-20, 0) for _ in range(rng.randint(1, 5))]
                large = [rng.uniform(-1, 1) * big for _ in range(rng.randint(1, 5))]
                values = large + small + [-v for v in large]
                rng.shuffle(values)
                cases.append(("sum", dtype, values))
        self.check(cases)

    def test_subnormal_sums(self):
        rng = random.Random(3)
        cases = []
        for dtype, tiny in (("f32", 1.401298464324817e-45), ("f64", 5e-324)):
            for _ in range(100):
                cases.append(("sum", dtype, [tiny * rng.randint(-2 ** 30, 2 ** 30) for _ in range(rng.randint(1, 8))]))
            cases.append(("sum", dtype, [tiny, -tiny]))  # exact zero of non-zero terms: +0
            min_normal = 2.0 ** (-126 if dtype == "f32" else -1022)
            cases.append(("sum", dtype, [min_normal, -tiny]))  # the largest subnormal
        self.check(cases)

    def test_overflow_to_infinity(self):
        cases = []
        for dtype, top in (("f32", 3.4028234663852886e38), ("f64", 1.7976931348623157e308)):
            ulp = top * 2.0 ** (-24 if dtype == "f32" else -53)  # half an ulp of the largest finite
            cases += [("sum", dtype, [top, top]), ("sum", dtype, [-top, -top, top * 0.5]),
                      ("sum", dtype, [top, ulp]),          # exactly halfway: ties to even -> inf
                      ("sum", dtype, [top, ulp * 0.5]),    # below halfway: stays finite
                      ("sum", dtype, [top, top, -top])]    # no intermediate overflow
        self.check(cases)

    def test_ties_to_even(self):
        cases = []
        for dtype, mant in (("f32", 23), ("f64", 52)):
            half = 2.0 ** -(mant + 1)
            cases += [("sum", dtype, [1.0, half]), ("sum", dtype, [1.0 + 2 * half, half]),
                      ("sum", dtype, [1.0, half, 2.0 ** -(mant + 40)]),  # sticky bit breaks the tie
                      ("sum", dtype, [-1.0, -half]), ("sum", dtype, [2.0 ** 40, half * 2.0 ** 40])]
        self.check(cases)

    def test_specials_and_signed_zero(self):
        inf, nan = math.inf, math.nan
        cases = []
        for dtype in ("f32", "f64"):
            cases += [("sum", dtype, [1.0, nan]), ("sum", dtype, [inf, -inf]), ("sum", dtype, [inf, 1.0, inf]),
                      ("sum", dtype, [-inf, 1e30]), ("sum", dtype, [-0.0, -0.0]), ("sum", dtype, [-0.0, 0.0]),
                      ("sum", dtype, [1.0, -1.0]), ("sum", dtype, [-1.0, 1.0, -0.0]), ("sum", dtype, []),
                      ("sum", dtype, [-0.0])]
        self.check(cases)

    def test_dot_products(self):
        rng = random.Random(5)
        cases = []
        for dtype, span in (("f32", 30), ("f64", 300)):
            for _ in range(200):
                n = rng.randint(1, 40)
                a = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-span // 3, span // 3) for _ in range(n)]
                b = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-span // 3, span // 3) for _ in range(n)]
                cases.append(("dot", dtype, (a, b)))
            tiny = 2.0 ** (-149 if dtype == "f32" else -1074)
            top = 3.4028234663852886e38 if dtype == "f32" else 1.7976931348623157e308
            cases += [("dot", dtype, ([1e20, 1.0, -1e20], [1e20, 0.5, 1e20])),
                      ("dot", dtype, ([tiny, 2.0 ** 60], [2.0 ** 100, 2.0 ** -60])),  # products below the subnormals
                      ("dot", dtype, ([top, top], [2.0, -1.5])),                       # products past the largest
                      ("dot", dtype, ([top], [2.0])), ("dot", dtype, ([-0.0, 0.0], [1.0, -1.0])),
                      ("dot", dtype, ([0.0, 1.0], [math.inf, 1.0])), ("dot", dtype, ([math.inf, 1.0], [-2.0, 1.0]))]
        self.check(cases)


if __name__ == "__main__":
    TOOL = sys.argv.pop(1)
    unittest.main()
