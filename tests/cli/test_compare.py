#!/usr/bin/python3
"""`detaudit compare A B`: .npy and .npz files (tests/data/npy, described by its manifest.json) and
directories of them; exit 0 within the tolerance, 1 beyond it, 2 on bad input with one error line;
--json statistics checked against numpy's; and numpy reading what `detaudit run --dump-dir` writes."""
import os
import shutil
import unittest

import cli_common as cc

try:
    import numpy as np
except ImportError:  # the tests that need it skip, visibly
    np = None

DATA = os.path.join("tests", "data", "npy")


def needs_numpy(test):
    return unittest.skipIf(np is None, "numpy is not installed for this python")(test)


def data(*parts):
    return os.path.join(DATA, *parts)


def manifest():
    return cc.load_json(cc.source_path(DATA, "manifest.json"))


def monotonic(a):
    """numpy's nulp_diff mapping: IEEE bits to integers that order like the floats (+0 = -0)."""
    bits = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]
    i = a.view(bits).astype(np.int64)
    magnitude = i & np.int64((1 << (8 * a.dtype.itemsize - 1)) - 1)
    return np.where(i < 0, -magnitude, magnitude)


def numpy_stats(a, b):
    """DESIGN §5 statistics computed independently: differing elements, max ULP (not counting NaN
    mismatches), max abs, max rel."""
    differ = a.view(np.uint8).reshape(a.size, -1) != b.view(np.uint8).reshape(b.size, -1)
    differing = int(differ.any(axis=1).sum())
    if a.dtype.kind == "f":
        both = ~(np.isnan(a) | np.isnan(b))
        # Python integers: a sign flip is up to 2^64 ULP, past int64.
        ulp = max((abs(int(x) - int(y)) for x, y in zip(monotonic(a)[both], monotonic(b)[both])), default=0)
    else:
        # Integers and bools: an integer's ULP is 1, so the ULP distance is |a - b| (bools: 0 or 1).
        both = np.ones(a.shape, dtype=bool)
        ai, bi = a.astype(bool) if a.dtype.kind == "b" else a, b.astype(bool) if b.dtype.kind == "b" else b
        ulp = max((abs(int(x) - int(y)) for x, y in zip(ai.ravel(), bi.ravel())), default=0)
    da, db = a.astype(np.float64)[both], b.astype(np.float64)[both]
    abs_d = np.abs(da - db)
    mag = np.maximum(np.abs(da), np.abs(db))
    rel = np.divide(abs_d, mag, out=np.zeros_like(abs_d), where=mag != 0)
    return dict(differing_elements=differing, max_ulp=ulp, max_abs=float(abs_d.max(initial=0)),
                max_rel=float(rel.max(initial=0)))


class Compare(cc.CliTestCase):
    def compare(self, a, b, *flags, expect_rc):
        """Runs compare with --json; returns (result, JSON document)."""
        json_path = self.path("compare.json")
        if os.path.exists(json_path):
            os.remove(json_path)
        r = self.detaudit("compare", a, b, "--json", json_path, *flags, expect_rc=expect_rc)
        self.assertEqual(r.stderr, "", f"nothing on stderr when the comparison ran\n{r}")
        doc = cc.load_json(json_path)
        self.assertSchemaValid(json_path, "compare.schema.json")
        self.assertEqual(doc["exit_code"], r.rc)
        self.assertEqual(doc["passed"], r.rc == cc.EXIT_OK)
        s = doc["summary"]
        self.assertEqual(s["arrays"], len(doc["arrays"]))
        self.assertEqual(s["identical"] + s["within_tolerance"] + s["differing"], s["arrays"])
        self.assertEqual(s["only_in_a"], len(doc["only_in_a"]))
        self.assertEqual(s["only_in_b"], len(doc["only_in_b"]))
        self.assertEqual(r.rc == cc.EXIT_OK,
                         s["differing"] == 0 and not doc["only_in_a"] and not doc["only_in_b"])
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), s["arrays"] + s["only_in_a"] + s["only_in_b"] + 1, r)
        self.assertTrue(lines[-1].endswith("PASS" if r.rc == cc.EXIT_OK else "FAIL"), r)
        for a in doc["arrays"]:
            self.assertEqual(a["verdict"] == "identical", a["diff"]["identical"])
        return r, doc

    # -- identical and differing files -------------------------------------------------------------

    def test_identical_files_exit_0(self):
        for a, b in [("pairs/f32_base.npy", "pairs/f32_base_copy.npy"), ("valid/c16_F_be_v3.npy",) * 2,
                     ("npz/stored.npz", "npz/compressed.npz"), ("npz/empty.npz",) * 2]:
            with self.subTest(a=a, b=b):
                r, doc = self.compare(data(a), data(b), expect_rc=cc.EXIT_OK)
                self.assertEqual(doc["summary"]["differing"], 0)
                self.assertTrue(all(x["verdict"] == "identical" for x in doc["arrays"]))
                self.assertEqual(doc["tolerance"], "identical")

    def test_every_byte_order_order_and_version_reads_the_same_values(self):
        """Files of one dtype differ only in how they are stored: after reading, all identical."""
        for dtype in ("f2", "f4", "f8", "c8", "c16", "i2", "i4", "i8", "u2", "u4", "u8"):
            with self.subTest(dtype=dtype):
                first = data("valid", f"{dtype}_C_le_v1.npy")
                for variant in ("F_be_v1", "C_be_v2", "F_le_v3", "F_be_v3"):
                    r, doc = self.compare(first, data("valid", f"{dtype}_{variant}.npy"), expect_rc=cc.EXIT_OK)

    def test_known_pairs_exit_1_with_the_manifest_statistics(self):
        for p in manifest()["pairs"]:
            if p["identical"]:
                continue
            with self.subTest(a=p["a"], b=p["b"]):
                r, doc = self.compare(data(p["a"]), data(p["b"]), expect_rc=cc.EXIT_EXPECTATION_FAILED)
                (a,) = doc["arrays"]
                d = a["diff"]
                self.assertEqual(a["verdict"], "differs")
                self.assertEqual(a["dtype"], p["dtype"])
                self.assertIn("DIFFERS", r.stdout)
                if p.get("shape_mismatch"):
                    self.assertTrue(d["shape_mismatch"])
                    self.assertIn("other_shape", a)
                    self.assertIn("dtype or shape differ", r.stdout)
                    continue
                self.assertEqual(d["differing_elements"], p["differing_elements"])
                self.assertEqual(d["max_ulp"], p["max_ulp"])
                self.assertAlmostEqual(d["max_abs"], p["max_abs"], delta=1e-15 * p["max_abs"])
                self.assertAlmostEqual(d["max_rel"], p["max_rel"], delta=1e-15 * p["max_rel"])
                self.assertEqual(d["nan_mismatches"], p["nan_mismatches"])
                self.assertEqual(d["first_difference"]["index"], p["first_index"])
                verb = "differs" if p["differing_elements"] == 1 else "differ"
                self.assertIn(f"{p['differing_elements']} of {d['elements']} elements {verb}", r.stdout)

    def test_console_line_names_ulp_and_first_difference(self):
        r = self.detaudit("compare", data("pairs", "f32_base.npy"), data("pairs", "f32_ulp1.npy"),
                          expect_rc=cc.EXIT_EXPECTATION_FAILED)
        first = r.stdout.splitlines()[0]
        self.assertIn("f32 (16,)", first)
        self.assertIn("1 of 16 elements differs, max 1 ULP", first)
        self.assertIn("first at [3]", first)
        self.assertRegex(first, r"\(0x[0-9a-f]{8}\) vs .* \(0x[0-9a-f]{8}\)")
        r = self.detaudit("compare", data("pairs", "i32_base.npy"), data("pairs", "i32_diff5.npy"),
                          expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertIn("max abs 5,", r.stdout)
        self.assertNotIn("ULP", r.stdout.splitlines()[0], "integers have no ULP distance to show")

    # -- tolerances --------------------------------------------------------------------------------

    def test_tolerances(self):
        ulp3 = (data("pairs", "f32_base.npy"), data("pairs", "f32_ulp3.npy"))  # 3 ULP, max abs 4.77e-7
        ints = (data("pairs", "i32_base.npy"), data("pairs", "i32_diff5.npy"))  # max abs 5, max rel 0.0025
        nan = (data("pairs", "f64_nan.npy"), data("pairs", "f64_nan_vs_number.npy"))
        shape = (data("pairs", "shape_16.npy"), data("pairs", "shape_4x4.npy"))
        ok, fail = cc.EXIT_OK, cc.EXIT_EXPECTATION_FAILED
        cases = [
            (ulp3, ["--max-ulp", "3"], ok), (ulp3, ["--max-ulp", "2"], fail), (ulp3, ["--max-ulp", "1000000000"], ok),
            (ulp3, ["--max-abs", "5e-7"], ok), (ulp3, ["--max-abs", "4e-7"], fail),
            (ulp3, ["--max-rel", "3e-7"], ok), (ulp3, ["--max-rel", "2e-7"], fail),
            # Several bounds: every one must hold.
            (ulp3, ["--max-ulp", "3", "--max-abs", "5e-7"], ok), (ulp3, ["--max-ulp", "3", "--max-abs", "1e-7"], fail),
            (ulp3, ["--max-ulp", "2", "--max-rel", "1"], fail),
            # On integers a ULP bound bounds the absolute difference.
            (ints, ["--max-ulp", "5"], ok), (ints, ["--max-ulp", "4"], fail), (ints, ["--max-abs", "5"], ok),
            (ints, ["--max-rel", "0.0025"], ok), (ints, ["--max-rel", "0.002"], fail),
            # NaN against a number and shape mismatches pass no tolerance.
            (nan, ["--max-ulp", "1000000000", "--max-abs", "1e300"], fail), (shape, ["--max-ulp", "1000000000"], fail),
        ]
        for (a, b), flags, rc in cases:
            with self.subTest(a=a, b=b, flags=flags):
                r, doc = self.compare(a, b, *flags, expect_rc=rc)
                (array,) = doc["arrays"]
                self.assertEqual(array["verdict"], "within_tolerance" if rc == ok else "differs")
                self.assertIsInstance(doc["tolerance"], dict)
                self.assertEqual(set(doc["tolerance"]), {f[2:].replace("-", "_") for f in flags[::2]})
                self.assertIn("within" if rc == ok else "DIFFERS", r.stdout.splitlines()[0])
                # The judge's reason, in the JSON and at the end of the line.
                self.assertTrue(array["reason"])
                if not array["diff"].get("shape_mismatch"):
                    self.assertTrue(r.stdout.splitlines()[0].endswith("; " + array["reason"]), r)
                # Tolerances as given: "--max-ulp 3" is 3 in the JSON, not 3.0.
                for flag, value in zip(flags[::2], flags[1::2]):
                    written = doc["tolerance"][flag[2:].replace("-", "_")]
                    self.assertEqual(written, float(value))
                    self.assertIsInstance(written, int if value.isdigit() else float)
        r, doc = self.compare(*ints, "--max-ulp", "4", expect_rc=fail)
        self.assertEqual(doc["arrays"][0]["reason"], "max_ulp 5 > 4")
        r, doc = self.compare(*ulp3, "--max-ulp", "3", expect_rc=ok)
        self.assertEqual(doc["arrays"][0]["reason"], "within tolerance (max_ulp 3 <= 3)")

    def test_quiet_prints_only_failures_and_the_summary(self):
        a = self.make_tree("qa", {"x.npy": "pairs/f32_base.npy", "y.npy": "pairs/f32_base.npy",
                                  "z.npy": "pairs/f32_base.npy"})
        b = self.make_tree("qb", {"x.npy": "pairs/f32_base_copy.npy", "y.npy": "pairs/f32_ulp1.npy",
                                  "z.npy": "pairs/f32_ulp3.npy"})
        r = self.detaudit("compare", a, b, "-q", "--max-ulp", "1", expect_rc=cc.EXIT_EXPECTATION_FAILED)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 2, r)
        self.assertRegex(lines[0], r"^DIFFERS +z\.npy .*; max_ulp 3 > 1$")
        self.assertIn("3 arrays compared: 1 identical, 1 within tolerance, 1 beyond tolerance", lines[1])
        self.assertTrue(lines[1].endswith("FAIL"), r)
        r = self.detaudit("compare", a, a, "--quiet", expect_rc=cc.EXIT_OK)
        self.assertEqual(len(r.stdout.splitlines()), 1, r)

    # -- archives and directories ------------------------------------------------------------------

    def test_npz_members_matched_by_name(self):
        r, doc = self.compare(data("npz", "stored.npz"), data("npz", "stored_one_member_differs.npz"),
                              expect_rc=cc.EXIT_EXPECTATION_FAILED)
        verdicts = {a["name"]: a["verdict"] for a in doc["arrays"]}
        self.assertEqual(verdicts, {"weights": "differs", "index": "identical", "scalar": "identical",
                                    "mask": "identical"})
        weights = next(a for a in doc["arrays"] if a["name"] == "weights")
        self.assertEqual(weights["shape"], [3, 2])
        self.assertEqual(weights["diff"]["max_ulp"], 1)
        self.assertEqual(weights["diff"]["first_difference"]["index"], 0)
        # A member on one side only.
        if np is not None:
            extra = self.path("extra.npz")
            with np.load(cc.source_path(DATA, "npz", "stored.npz")) as z:
                arrays = dict(z)
            arrays["added"] = np.arange(3)
            np.savez_compressed(extra, **arrays)
            r, doc = self.compare(data("npz", "compressed.npz"), extra, expect_rc=cc.EXIT_EXPECTATION_FAILED)
            self.assertEqual(doc["only_in_b"], ["added"])
            self.assertEqual(doc["summary"]["identical"], 4)
            self.assertIn("ONLY IN B  added", r.stdout)

    def make_tree(self, name, files):
        root = self.path(name)
        for rel, src in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            shutil.copy(cc.source_path(DATA, src), os.path.join(root, rel))
        return root

    def test_directories_matched_by_relative_path(self):
        a = self.make_tree("a", {"x.npy": "pairs/f32_base.npy", "sub/y.npy": "pairs/f32_base.npy",
                                 "arch.npz": "npz/stored.npz", "only_a.npy": "pairs/i32_base.npy",
                                 "notes.txt": "manifest.json"})
        b = self.make_tree("b", {"x.npy": "pairs/f32_base_copy.npy", "sub/y.npy": "pairs/f32_ulp1.npy",
                                 "arch.npz": "npz/stored_one_member_differs.npz", "only_b.npz": "npz/stored.npz",
                                 "notes.txt": "make_npy_files.py"})
        r, doc = self.compare(a, b, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        verdicts = {x["name"]: x["verdict"] for x in doc["arrays"]}
        self.assertEqual(verdicts, {"x.npy": "identical", "sub/y.npy": "differs", "arch.npz:weights": "differs",
                                    "arch.npz:index": "identical", "arch.npz:scalar": "identical",
                                    "arch.npz:mask": "identical"})
        self.assertEqual(doc["only_in_a"], ["only_a.npy"])
        self.assertEqual(doc["only_in_b"], ["only_b.npz"])
        self.assertIn("ONLY IN A  only_a.npy", r.stdout)
        # Within 1 ULP every common array passes, but files on one side only still fail.
        r, doc = self.compare(a, b, "--max-ulp", "1", expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertEqual(doc["summary"]["differing"], 0)
        os.remove(os.path.join(a, "only_a.npy"))
        os.remove(os.path.join(b, "only_b.npz"))
        r, doc = self.compare(a, b, "--max-ulp", "1", expect_rc=cc.EXIT_OK)
        self.assertEqual(doc["summary"]["within_tolerance"], 2)
        r, doc = self.compare(a, a, expect_rc=cc.EXIT_OK)
        self.assertEqual(doc["summary"]["identical"], 6)

    # -- bad input ---------------------------------------------------------------------------------

    def test_malformed_files_exit_2_with_one_line(self):
        for f in manifest()["malformed"]:
            path = data(f["file"])
            with self.subTest(file=path):
                json_path = self.path("never.json")
                r = self.detaudit("compare", path, path, "--json", json_path)
                self.assertOneErrorLine(r, [path, f["error"]])
                self.assertFalse(os.path.exists(json_path), "no JSON document on bad input")
                # On either side.
                good = data("npz", "stored.npz") if f.get("npz") else data("pairs", "f32_base.npy")
                self.assertOneErrorLine(self.detaudit("compare", good, path), [path, f["error"]])

    def test_bad_arguments_exit_2_with_one_line(self):
        f32 = data("pairs", "f32_base.npy")
        cases = [
            (["compare", f32, data("no-such.npy")], "no-such.npy: no such file or directory"),
            (["compare", f32, data("pairs")], "is a directory but"),
            (["compare", data("npz", "stored.npz"), f32], "compare two .npy files or two .npz files"),
            (["compare", f32, f32, "--max-ulp", "-1"], "--max-ulp: expected a non-negative integer, got \"-1\""),
            (["compare", f32, f32, "--max-ulp", "1.5"], "--max-ulp: expected a non-negative integer"),
            (["compare", f32, f32, "--max-abs", "x"], "--max-abs: expected a non-negative number, got \"x\""),
            (["compare", f32, f32, "--max-rel", "inf"], "--max-rel: expected a non-negative number"),
            (["compare", f32], "B"),
            (["compare", f32, f32, "--json", self.path("no/such/dir/out.json")], "--json"),
        ]
        for args, text in cases:
            with self.subTest(args=args):
                self.assertOneErrorLine(self.detaudit(*args), text)

    def test_help(self):
        r = self.detaudit("compare", "--help", expect_rc=cc.EXIT_OK)
        for text in ("--max-ulp", "--max-abs", "--max-rel", "--json", "Exit codes"):
            self.assertIn(text, r.stdout)

    # -- numpy and detaudit's own .npy files -------------------------------------------------------

    @needs_numpy
    def test_numpy_reads_dumped_files_and_agrees_with_compare(self):
        path = self.scenario("tiny.json", {"detaudit": 1, "seed": 7, "runs": 2, "backends": ["cpu"], "operations": [
            {"id": "mm", "op": "matmul", "algorithm": "naive", "m": 3, "k": 4, "n": 5, "dtype": "f64"},
            {"id": "scatter", "op": "scatter_add", "algorithm": "sorted", "n": 64, "bins": 8},
            {"id": "sum", "op": "reduce", "algorithm": "sequential", "n": 100}]})
        dumps = [self.path("dump1"), self.path("dump2")]
        for d in dumps:
            self.detaudit("run", path, "--dump-dir", d, "-q", expect_rc=cc.EXIT_OK)
        expected = {"mm/inputs/a.npy": ("<f8", (3, 4)), "mm/inputs/b.npy": ("<f8", (4, 5)),
                    "scatter/inputs/values.npy": ("<f4", (64,)), "scatter/inputs/index.npy": ("<i8", (64,)),
                    "sum/inputs/x.npy": ("<f4", (100,))}
        loaded = {}
        for rel, (dtype, shape) in expected.items():
            with self.subTest(file=rel):
                x = np.load(os.path.join(dumps[0], rel))
                self.assertEqual((x.dtype.str, x.shape), (dtype, shape))
                loaded[rel] = x
        self.assertTrue(((loaded["scatter/inputs/index.npy"] >= 0) & (loaded["scatter/inputs/index.npy"] < 8)).all())

        r, doc = self.compare(dumps[0], dumps[1], expect_rc=cc.EXIT_OK)
        self.assertEqual(sorted(a["name"] for a in doc["arrays"]), sorted(expected))

        # Change a copy with numpy, then check detaudit's statistics against numpy's.
        changed = self.path("changed")
        shutil.copytree(dumps[0], changed)
        a = loaded["mm/inputs/a.npy"].copy()
        a[1, 2] = np.nextafter(np.nextafter(a[1, 2], np.inf), np.inf)
        a[2, 3] = -a[2, 3]
        values = loaded["scatter/inputs/values.npy"].copy()
        values[5] = np.nextafter(values[5], np.float32(-np.inf))
        index = loaded["scatter/inputs/index.npy"].copy()
        index[3] += 5
        index[9] -= 2
        modified = {"mm/inputs/a.npy": np.asfortranarray(a), "scatter/inputs/values.npy": values.astype(">f4"),
                    "scatter/inputs/index.npy": index}
        for rel, x in modified.items():
            np.save(os.path.join(changed, rel), x)
        r, doc = self.compare(dumps[0], changed, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        by_name = {x["name"]: x for x in doc["arrays"]}
        for rel in expected:
            with self.subTest(file=rel):
                d = by_name[rel]["diff"]
                if rel not in modified:
                    self.assertTrue(d["identical"])
                    continue
                want = numpy_stats(loaded[rel], np.ascontiguousarray(modified[rel]).astype(loaded[rel].dtype))
                self.assertEqual(d["differing_elements"], want["differing_elements"])
                self.assertEqual(d["max_ulp"], want["max_ulp"])
                self.assertEqual(d["max_abs"], want["max_abs"])
                self.assertAlmostEqual(d["max_rel"], want["max_rel"], delta=1e-15 * want["max_rel"])
        self.assertEqual(by_name["scatter/inputs/index.npy"]["diff"]["max_abs"], 5)
        self.assertEqual(by_name["scatter/inputs/values.npy"]["diff"]["max_ulp"], 1)
        self.assertEqual(by_name["mm/inputs/a.npy"]["diff"]["first_difference"]["index"], 1 * 4 + 2)


if __name__ == "__main__":
    cc.main()
