#!/usr/bin/python3
"""The CUDA backend as a plugin (libdetaudit_cuda.so, dlopen'ed when a cuda cell is planned or
`env` asks): the detaudit binary links no CUDA library, `--version` and a CPU audit map none, a
CPU audit runs with the toolkit out of reach, and where the plugin cannot be loaded the cuda cells
and the cpu `curand` cells are skipped with the loader's reason, which `detaudit env` shows too."""
import os
import re
import subprocess
import unittest

import cli_common as cc

CUDA_LIBRARY = re.compile(r"^lib(cuda|cudart|cublas|cublasLt|curand|nvidia-[\w-]+|nvrtc[\w-]*|nvJitLink)\.so")
NOWHERE = "/nonexistent/libdetaudit_cuda.so"


def cuda_compiled():
    return "cuda" in cc.run(["--version"]).stdout.split("backends:", 1)[-1]



def away_from_the_toolkit(**extra):
    """No CUDA directory on the loader's path, and the plugin made unloadable."""
    path = ":".join(d for d in os.environ.get("PATH", "").split(":") if "cuda" not in d)
    return cc.clean_env(LD_LIBRARY_PATH="/nonexistent", PATH=path, DETAUDIT_CUDA_PLUGIN=NOWHERE, **extra)


def cpu_scenario():
    return {"detaudit": 1, "name": "cpu-only", "seed": 3, "runs": 2, "backends": ["cpu"],
            "operations": [{"id": "sum", "op": "reduce", "algorithm": "pairwise", "n": 4096},
                           {"id": "mm", "op": "matmul", "algorithm": "blas", "m": 8, "n": 8, "k": 8}]}


def cuda_scenario():
    return {"detaudit": 1, "name": "with-cuda", "seed": 3, "runs": 2, "backends": ["cpu", "cuda"],
            "operations": [{"id": "sum", "op": "reduce", "algorithm": "reproducible", "n": 4096},
                           {"id": "cr", "op": "rng", "algorithm": "curand", "count": 64, "backends": ["cpu"]}]}


class NoCudaLinked(unittest.TestCase):
    def test_binary_needs_no_cuda_library(self):
        needed, dynamic = cc.needed_libraries()
        self.assertIn("libc.so.6", needed)
        self.assertEqual([n for n in needed if CUDA_LIBRARY.match(n)], [], dynamic)
        ldd = subprocess.run(["ldd", cc.BINARY], capture_output=True, text=True).stdout
        self.assertEqual([line for line in ldd.splitlines() if CUDA_LIBRARY.match(line.strip())], [], ldd)

    def test_version_and_a_cpu_audit_map_no_cuda_library(self):
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "cpu.json"), cpu_scenario())
        for args in (["--version"], ["run", path, "--quiet"]):
            with self.subTest(args=args):
                rc, mapped = cc.loaded_libraries(args, cc.clean_env())
                self.assertEqual(rc, cc.EXIT_OK)
                self.assertIn("libstdc++.so.6", mapped)
                self.assertEqual([n for n in mapped if CUDA_LIBRARY.match(n) or "detaudit_cuda" in n], [])

    def test_cpu_audit_runs_away_from_the_toolkit(self):
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "cpu-away.json"), cpu_scenario())
        report = os.path.join(cc.SCRATCH_DIR, "cpu-away-report.json")
        r = cc.run(["run", path, "--json", report], env=away_from_the_toolkit())
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        for op in cc.load_json(report)["operations"]:
            self.assertEqual([c["status"] for c in op["cells"]], ["ok"], op["id"])


class PluginUnloadable(unittest.TestCase):
    def setUp(self):
        if not cuda_compiled():
            self.skipTest("this detaudit was built without the cuda backend (--version)")

    def test_cells_are_skipped_with_the_loaders_reason(self):
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "cuda.json"), cuda_scenario())
        report = os.path.join(cc.SCRATCH_DIR, "cuda-report.json")
        r = cc.run(["run", path, "--json", report], env=away_from_the_toolkit())
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertIsNone(cc.schema_errors(report))
        data = cc.load_json(report)
        cells = {(op["id"], c["backend"]): c for op in data["operations"] for c in op["cells"]}
        self.assertEqual(cells[("sum", "cpu")]["status"], "ok")
        for key in (("sum", "cuda"), ("cr", "cpu")):
            with self.subTest(cell=key):
                self.assertEqual(cells[key]["status"], "skipped")
                self.assertIn("the CUDA plugin", cells[key]["reason"])
                self.assertIn(NOWHERE, cells[key]["reason"])
                self.assertIn("cannot open shared object file", cells[key]["reason"])
        cuda = next(b for b in data["backends"] if b["name"] == "cuda")
        self.assertFalse(cuda["available"])
        self.assertIn(NOWHERE, cuda["reason"])

    def test_env_shows_the_plugin_state(self):
        r = cc.run(["env", "--json"], env=away_from_the_toolkit())
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        cuda = __import__("json").loads(r.stdout)["backends"]["cuda"]
        self.assertFalse(cuda["available"])
        self.assertTrue(cuda["details"]["plugin"].startswith("not loaded: "), cuda)
        self.assertIn(NOWHERE, cuda["details"]["plugin"])
        # Found without the variable: beside the binary or in its build tree.
        r = cc.run(["env"], env=cc.clean_env(DETAUDIT_CUDA_PLUGIN=None))
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertRegex(r.stdout, r"\n +plugin: loaded from /\S+/libdetaudit_cuda\.so\n")


if __name__ == "__main__":
    cc.main()
