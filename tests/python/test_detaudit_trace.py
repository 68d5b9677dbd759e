"""Tests of python/detaudit_trace.py: run as `python3 test_detaudit_trace.py SOURCE_DIR SCRATCH_DIR`.

Each case runs a small program in a child interpreter (the helper reads DETAUDIT_TRACE at import)
and checks the trace it writes against numpy and `xxhsum -H2`.
"""
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import unittest

SOURCE_DIR = SCRATCH = None


def have_torch():
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        return False


def run_program(code, trace=None, values=None):
    env = dict(os.environ)
    env.pop("DETAUDIT_TRACE", None)
    env.pop("DETAUDIT_TRACE_VALUES", None)
    if trace:
        env["DETAUDIT_TRACE"] = trace
    if values:
        env["DETAUDIT_TRACE_VALUES"] = values
    env["PYTHONPATH"] = os.path.join(SOURCE_DIR, "python")
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                       text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError(f"program failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout


def read_trace(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f]
    return lines[0], lines[1:-1], lines[-1]


def xxhsum(path):
    out = subprocess.run(["xxhsum", "-H2", path], capture_output=True, text=True, check=True).stdout
    return out.split()[0]


class NumpyRecords(unittest.TestCase):
    def test_records_digests_equal_xxhsum_of_the_bytes(self):
        trace = os.path.join(SCRATCH, "np.jsonl")
        run_program(f"""
            import numpy as np, detaudit_trace as dt
            a = np.arange(12, dtype=np.float32).reshape(3, 4)
            b = np.array([1, 2, 3], dtype='>i4')          # big-endian: digested little-endian
            with dt.step(7):
                dt.record("a", a)
                dt.record("b", b, inputs=["a"])
            dt.record("scalar", 2.5)
            a.tofile({os.path.join(SCRATCH, 'a.bin')!r})
            b.astype('<i4').tofile({os.path.join(SCRATCH, 'b.bin')!r})
            np.array(2.5).tofile({os.path.join(SCRATCH, 's.bin')!r})
            """, trace=trace)
        header, recs, footer = read_trace(trace)
        self.assertEqual(header["detaudit_trace"], 1)
        self.assertEqual(header["digest"], "xxh3-128")
        self.assertEqual(footer, {"end": 3})
        self.assertEqual([r["seq"] for r in recs], [0, 1, 2])
        self.assertEqual([r["name"] for r in recs], ["step 7/a", "step 7/b", "scalar"])
        self.assertEqual([r["dtype"] for r in recs], ["f32", "i32", "f64"])
        self.assertEqual([r["shape"] for r in recs], [[3, 4], [3], []])
        self.assertEqual(recs[0]["digest"], xxhsum(os.path.join(SCRATCH, "a.bin")))
        self.assertEqual(recs[1]["digest"], xxhsum(os.path.join(SCRATCH, "b.bin")))
        self.assertEqual(recs[2]["digest"], xxhsum(os.path.join(SCRATCH, "s.bin")))
        self.assertEqual(recs[1]["inputs"], [recs[0]["digest"]])
        self.assertNotIn("values", recs[0])

    def test_values_glob_and_keep(self):
        import numpy as np
        trace = os.path.join(SCRATCH, "vals.jsonl")
        run_program("""
            import numpy as np, detaudit_trace as dt
            dt.record("w.grad", np.ones(4, np.float32))
            dt.record("w", np.zeros(4, np.float32))
            dt.record("x", np.full(2, 3.0), keep=True)
            """, trace=trace, values="*.grad")
        _, recs, _ = read_trace(trace)
        self.assertEqual(recs[0]["values"], "vals.jsonl.values/000000000.npy")
        self.assertNotIn("values", recs[1])
        kept = np.load(os.path.join(SCRATCH, recs[2]["values"]))
        self.assertEqual(kept.tolist(), [3.0, 3.0])

    def test_unset_is_a_cheap_no_op(self):
        out = run_program("""
            import time, numpy as np, detaudit_trace as dt
            a = np.ones(1000, np.float32)
            assert dt.record("a", a) is None and not dt.enabled()
            with dt.step(3):
                pass
            n = 200000
            t = time.perf_counter()
            for _ in range(n):
                dt.record("a", a)
            print((time.perf_counter() - t) / n)
            """)
        self.assertLess(float(out), 1e-6)
        self.assertFalse(any(f.endswith(".jsonl") and f.startswith("unset") for f in os.listdir(SCRATCH)))

    def test_without_xxhash_falls_back_to_blake2b_and_says_so(self):
        import hashlib
        import numpy as np
        trace = os.path.join(SCRATCH, "blake.jsonl")
        env_code = """
            import sys
            sys.modules["xxhash"] = None          # as if python3-xxhash were not installed
            import numpy as np, detaudit_trace as dt
            dt.record("a", np.arange(5, dtype=np.float64))
            """
        env = dict(os.environ, DETAUDIT_TRACE=trace, PYTHONPATH=os.path.join(SOURCE_DIR, "python"))
        p = subprocess.run([sys.executable, "-c", textwrap.dedent(env_code)], env=env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("BLAKE2b-128", p.stderr)
        header, recs, _ = read_trace(trace)
        self.assertEqual(header["digest"], "blake2b-128")
        self.assertEqual(recs[0]["digest"],
                         hashlib.blake2b(np.arange(5, dtype=np.float64).tobytes(), digest_size=16).hexdigest())


@unittest.skipUnless(have_torch(), "torch is not installed")
class TorchRecords(unittest.TestCase):
    def test_tensors_bf16_and_hooks(self):
        trace = os.path.join(SCRATCH, "torch.jsonl")
        out = run_program("""
            import numpy as np, torch, detaudit_trace as dt
            torch.manual_seed(0)
            t = torch.randn(5, 3, requires_grad=True)
            dt.record("t", t)
            b = torch.tensor([1.0, -2.5, 3.25], dtype=torch.bfloat16)
            dt.record("bf", b, keep=True)
            model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
            h = dt.watch(model, "net")
            model(t).sum().backward()
            h.remove()
            with dt.watch_ops():
                y = torch.mm(t.detach(), torch.ones(3, 2))
            print(t.detach().numpy().tobytes().hex())
            print(b.view(torch.int16).numpy().tobytes().hex())
            print(y.numpy().tobytes().hex())
            """, trace=trace)
        t_hex, b_hex, y_hex = out.split()
        import xxhash
        _, recs, _ = read_trace(trace)
        by_name = {r["name"]: r for r in recs}
        self.assertEqual(by_name["t"]["digest"], xxhash.xxh3_128_hexdigest(bytes.fromhex(t_hex)))
        self.assertEqual(by_name["bf"]["dtype"], "bf16")
        self.assertEqual(by_name["bf"]["digest"], xxhash.xxh3_128_hexdigest(bytes.fromhex(b_hex)))
        import numpy as np
        self.assertEqual(np.load(os.path.join(SCRATCH, by_name["bf"]["values"])).tolist(), [1.0, -2.5, 3.25])
        # forward hooks: every submodule, inputs = digests of the module's tensor inputs
        self.assertEqual(by_name["net.0"]["inputs"], [by_name["t"]["digest"]])
        self.assertEqual(by_name["net.1"]["inputs"], [by_name["net.0"]["digest"]])
        self.assertIn("net", by_name)
        for p in ("net.0.weight.grad", "net.0.bias.grad", "net.2.weight.grad"):
            self.assertIn(p, by_name)
        mm = by_name["aten.mm"]
        self.assertEqual(mm["digest"], xxhash.xxh3_128_hexdigest(bytes.fromhex(y_hex)))
        self.assertEqual(mm["inputs"][0], by_name["t"]["digest"])
        self.assertEqual(mm["shape"], [5, 2])


if __name__ == "__main__":
    SOURCE_DIR, SCRATCH = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(SCRATCH)
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
