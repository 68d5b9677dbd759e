#!/usr/bin/python3
"""scenarios/pytorch-gpu.json and its program, scenarios/programs/pytorch_gpu.py, where there is no
GPU: the program says why it cannot run here (exit 77, the reason as its last stderr line) for each
missing piece, its computation runs with the PyTorch installed here (`--device cpu`: the same
code, so its PyTorch 1.13 compatibility is checked), and `detaudit run` of the scenario marks every
cell skipped with the program's reason."""
import functools
import os
import subprocess
import sys
import unittest

import cli_common as cc

PROGRAM = ("scenarios", "programs", "pytorch_gpu.py")
# Debian's python3 has numpy and PyTorch (1.13, CPU only) here.
PYTHON = "/usr/bin/python3"


@functools.lru_cache(maxsize=None)
def has_torch():
    return subprocess.run([PYTHON, "-c", "import torch, numpy"], capture_output=True).returncode == 0


def run_program(test, *args, env=None, python=(PYTHON,)):
    out = test.path("out")
    os.makedirs(out, exist_ok=True)
    p = subprocess.run([*python, cc.source_path(*PROGRAM), "--out", out, *args], capture_output=True,
                       text=True, env=env or cc.clean_env(), timeout=300)
    return p, out


class ProgramSaysWhy(cc.CliTestCase):
    def assertSkipped(self, p, reason_part):
        last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
        self.assertEqual(p.returncode, 77, f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        self.assertTrue(last.startswith("pytorch_gpu.py: skipped: "), last)
        self.assertIn(reason_part, last)

    @unittest.skipUnless(has_torch(), "needs Debian's python3-torch")
    def test_no_cuda(self):
        p, out = run_program(self, env=cc.clean_env(CUDA_VISIBLE_DEVICES=""))
        self.assertSkipped(p, "torch.cuda.is_available() is False: PyTorch ")
        self.assertEqual(os.listdir(out), [], "nothing written")

    def test_no_torch(self):
        fake = self.path("site")
        os.makedirs(os.path.join(fake, "torch"))
        with open(os.path.join(fake, "torch", "__init__.py"), "w") as f:
            f.write("raise ImportError('simulated: no torch here')\n")
        p, _ = run_program(self, env=cc.clean_env(PYTHONPATH=fake))
        if "numpy is not importable" in p.stderr:
            self.skipTest("no numpy for " + PYTHON)
        self.assertSkipped(p, "PyTorch is not importable by ")
        self.assertIn("simulated: no torch here", p.stderr)

    def test_no_numpy(self):
        # -I -S: no site-packages, hence neither numpy nor torch.
        p, _ = run_program(self, python=(sys.executable, "-I", "-S"))
        self.assertSkipped(p, "numpy is not importable by ")


@unittest.skipUnless(has_torch(), "needs Debian's python3-torch")
class ProgramComputes(cc.CliTestCase):
    def test_outputs_on_cpu(self):
        """The same code on the CPU: every output, float32, its shape; deterministic settings and
        TF32 accepted by this PyTorch (1.13 here; 2.x on the GPU machines)."""
        import numpy as np

        env = cc.clean_env(TORCH_DETERMINISTIC="1", TORCH_TF32="1", CUBLAS_WORKSPACE_CONFIG=":4096:8")
        p, out = run_program(self, "--device", "cpu", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("deterministic=True tf32=True CUBLAS_WORKSPACE_CONFIG=:4096:8", p.stderr)
        shapes = {name: np.load(os.path.join(out, name)).shape for name in sorted(os.listdir(out))}
        self.assertEqual(shapes, {"index_add.npy": (8,), "scatter_add.npy": (8,), "sum.npy": (1,),
                                  "matmul.npy": (1024, 1024)})
        index_added = np.load(os.path.join(out, "index_add.npy"))
        self.assertEqual(index_added.dtype, np.float32)
        # index_add_ and scatter_add_ of the same values into the same bins: same sums (to rounding).
        np.testing.assert_allclose(index_added, np.load(os.path.join(out, "scatter_add.npy")), rtol=1e-4, atol=1e-2)
        # 2^24 values uniform in (-1, 1) into 8 bins: each bin's sum is far below its 2^21 terms.
        self.assertLess(float(np.abs(index_added).max()), 2.0 ** 21 / 50)


class ScenarioWithoutGpu(cc.CliTestCase):
    def test_validate_names_the_program_and_settings(self):
        r = self.detaudit("validate", "scenarios/pytorch-gpu.json", expect_rc=cc.EXIT_OK)
        self.assertIn("2 operations, 3 variants", r.stdout)
        self.assertIn("env CUBLAS_WORKSPACE_CONFIG=:4096:8 TORCH_DETERMINISTIC=1 TORCH_TF32=0 python3 "
                      "programs/pytorch_gpu.py --out {out}", r.stdout)
        self.assertIn("env -u CUBLAS_WORKSPACE_CONFIG TORCH_DETERMINISTIC=0", r.stdout)

    def test_cells_are_skipped_with_the_reason(self):
        # python3 on PATH: Debian's (PyTorch without CUDA) where present.
        env = cc.clean_env(PATH="/usr/bin:" + os.environ.get("PATH", ""))
        r = cc.run(["run", "scenarios/pytorch-gpu.json", "--runs", "2", "--json", self.path("r.json")], env=env)
        report = cc.load_json(self.path("r.json"))
        cells = [c for op in report["operations"] for c in op["cells"]]
        self.assertEqual(len(cells), 2 * 4 * 3, "2 operations x 4 outputs x 3 variants")
        for c in cells:
            self.assertIn("pytorch_gpu.py: skipped: ", c["reason"])
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertEqual({c["status"] for c in cells}, {"skipped"})
        self.assertEqual(report["summary"]["cells_skipped"], len(cells))
        self.assertEqual(report["summary"]["expectations_failed"], 0)


if __name__ == "__main__":
    cc.main()
