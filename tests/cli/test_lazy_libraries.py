#!/usr/bin/python3
"""OpenBLAS and libzip are opened with dlopen when something needs them
(kernels/cpu/blas_library.cpp, lib/io/zip_library.cpp): the binary links neither, `--version`,
`validate` and `ops` load neither (OpenBLAS's constructor starts a thread pool, libzip brings
libcrypto: most of what start-up cost), a run loads OpenBLAS for `matmul` `blas` and the report's
BLAS fingerprint, `compare` of .npz archives loads libzip, and a library that cannot be loaded
fails only what needs it, with the loader's reason."""
import os
import re
import subprocess
import sys
import unittest

import cli_common as cc

LAZY = re.compile(r"^lib(openblas|gfortran|zip|crypto|bz2)\.so")


def scenario():
    return {"detaudit": 1, "name": "lazy-blas", "seed": 3, "runs": 2, "backends": ["cpu"],
            "operations": [{"id": "mm", "op": "matmul", "algorithm": "blas", "m": 16, "n": 16, "k": 16},
                           {"id": "ref", "op": "matmul", "algorithm": "naive", "m": 16, "n": 16, "k": 16},
                           {"id": "sum", "op": "reduce", "algorithm": "pairwise", "n": 4096}]}



class LazyLibraries(unittest.TestCase):
    def test_binary_links_neither(self):
        needed, dynamic = cc.needed_libraries()
        self.assertIn("libc.so.6", needed)
        self.assertEqual([n for n in needed if LAZY.match(n)], [], dynamic)

    def test_commands_that_need_no_blas_do_not_load_it(self):
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "lazy.json"), scenario())
        for args in (["--version"], ["validate", path], ["ops"]):
            with self.subTest(args=args):
                rc, loaded = cc.loaded_libraries(args, cc.clean_env())
                self.assertEqual(rc, cc.EXIT_OK)
                self.assertIn("libstdc++.so.6", loaded)
                self.assertEqual([n for n in loaded if LAZY.match(n)], [])

    def test_a_run_loads_it_and_reports_it(self):
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "lazy-run.json"), scenario())
        report = os.path.join(cc.SCRATCH_DIR, "lazy-run-report.json")
        rc, loaded = cc.loaded_libraries(["run", path, "--quiet", "--json", report], cc.clean_env())
        self.assertEqual(rc, cc.EXIT_OK)
        self.assertIn("libopenblas.so.0", loaded)
        data = cc.load_json(report)
        blas = data["environment"]["blas"]
        self.assertEqual(blas["name"], "OpenBLAS")
        self.assertRegex(blas["config"], r"^OpenBLAS \d+\.\d+\.\d+")
        self.assertEqual(cc.cell(data, "mm")["status"], "ok")
        self.assertEqual(cc.cell(data, "mm")["runs"], 2)

    def test_an_unloadable_blas_fails_only_the_blas_cells(self):
        fake = fake_library_dir("fake-blas", "libopenblas.so.0")
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "lazy-fake.json"), scenario())
        report = os.path.join(cc.SCRATCH_DIR, "lazy-fake-report.json")
        r = cc.run(["run", path, "--json", report], env=cc.clean_env(LD_LIBRARY_PATH=fake))
        self.assertEqual(r.rc, cc.EXIT_EXECUTION_FAILED, str(r))
        self.assertIn("the BLAS library could not be loaded", r.stdout + r.stderr)
        self.assertNotIn("unexpected failure", r.stdout + r.stderr)
        self.assertIn("libopenblas.so.0", r.stdout + r.stderr)
        data = cc.load_json(report)
        self.assertEqual(cc.cell(data, "mm")["status"], "error")
        self.assertEqual(cc.cell(data, "ref")["status"], "ok")
        self.assertEqual(cc.cell(data, "sum")["status"], "ok")
        self.assertTrue(data["environment"]["blas"]["config"].startswith("unavailable: "))

    def test_compare_of_archives_loads_libzip(self):
        a, b = write_archives("lazy")
        rc, loaded = cc.loaded_libraries(["compare", a, b], cc.clean_env())
        self.assertEqual(rc, cc.EXIT_EXPECTATION_FAILED)  # one element differs
        self.assertIn("libzip.so.4", loaded)
        self.assertEqual([n for n in loaded if n.startswith("libopenblas")], [])

    def test_an_unloadable_libzip_fails_archives_with_the_reason(self):
        a, b = write_archives("lazy-fake")
        fake = fake_library_dir("fake-zip", "libzip.so.4")
        r = cc.run(["compare", a, b], env=cc.clean_env(LD_LIBRARY_PATH=fake))
        self.assertEqual(r.rc, cc.EXIT_EXECUTION_FAILED, str(r))
        self.assertIn("cannot read .npz archives: libzip could not be loaded", r.stderr)
        self.assertIn("libzip.so.4", r.stderr)
        # .npy files need no libzip.
        npy_a, npy_b = (os.path.join(cc.SCRATCH_DIR, f"lazy-fake-{s}.npy") for s in "ab")
        subprocess.run([sys.executable, "-c", "import numpy as np, sys; np.save(sys.argv[1], np.arange(4.0)); "
                        "np.save(sys.argv[2], np.arange(4.0))", npy_a, npy_b], check=True)
        r = cc.run(["compare", npy_a, npy_b], env=cc.clean_env(LD_LIBRARY_PATH=fake))
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))


def fake_library_dir(name, soname):
    """A directory whose `soname` is not a shared object: the loader finds it first and fails."""
    fake = os.path.join(cc.SCRATCH_DIR, name)
    os.makedirs(fake, exist_ok=True)
    with open(os.path.join(fake, soname), "w") as f:
        f.write("not a shared object\n")
    return fake


def write_archives(stem):
    """Two .npz archives with one member each, differing in one element."""
    paths = [os.path.join(cc.SCRATCH_DIR, f"{stem}-{side}.npz") for side in "ab"]
    subprocess.run([sys.executable, "-c", "import numpy as np, sys; x = np.arange(64, dtype=np.float32); "
                    "np.savez(sys.argv[1], y=x); x[5] += 1; np.savez(sys.argv[2], y=x)"] + paths, check=True)
    return paths


if __name__ == "__main__":
    cc.main()
