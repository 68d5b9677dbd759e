#!/usr/bin/python3
"""The cpu `curand` algorithm (cuRAND's host generator) end to end: in the catalog of every build;
a build without the CUDA toolkit skips its cells with the reason; a build with it is deterministic
run to run and across cpu.threads, and its report valid."""
import json
import os
import unittest

import cli_common as cc


def curand_runs_on_cpu():
    kinds = json.loads(cc.run(["ops", "--json"]).stdout)
    rng = next(k for k in kinds if k["kind"] == "rng")
    curand = next(a for a in rng["algorithms"] if a["name"] == "curand")
    return "cpu" not in curand.get("missing_in_build", {})


def scenario():
    return {"detaudit": 1, "name": "curand-cpu", "seed": 2024, "runs": 5, "backends": ["cpu"],
            "vary": {"cpu.threads": [1, 2]},
            "defaults": {"expect": {"run_to_run": "identical", "across_variants": "identical"}},
            "operations": [
                {"id": "u-f32", "op": "rng", "algorithm": "curand", "count": 300001, "offset": 7},
                {"id": "u-f64", "op": "rng", "algorithm": "curand", "count": 1000, "dtype": "f64"},
                {"id": "n-f32", "op": "rng", "algorithm": "curand", "count": 1001, "distribution": "normal"},
                {"id": "n-f64", "op": "rng", "algorithm": "curand", "count": 16, "dtype": "f64",
                 "distribution": "normal", "seed": 5}]}


class CurandCpu(unittest.TestCase):
    def test_deterministic_run_to_run_or_not_offered(self):
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "curand.json"), scenario())
        report = os.path.join(cc.SCRATCH_DIR, "curand-report.json")
        r = cc.run(["run", path, "--json", report])
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertIsNone(cc.schema_errors(report))
        data = cc.load_json(report)
        if not curand_runs_on_cpu():
            # A build without the CUDA toolkit: the scenario is valid, its cells skipped with the
            # reason, never faked.
            for op in data["operations"]:
                for cell in op["cells"]:
                    self.assertEqual(cell["status"], "skipped", op["id"])
                    self.assertIn("CUDA toolkit", cell["reason"], op["id"])
            return
        for op in data["operations"]:
            # Normal draws run the CPU's log/sin/cos: claimed per backend, not across backends.
            normal = op["id"].startswith("n-")
            self.assertEqual(op["design_class"]["cpu"], "variant_invariant" if normal else "cross_backend", op["id"])
            self.assertEqual(op["measured_class"]["cpu"], "variant_invariant", op["id"])
            for cell in op["cells"]:
                self.assertEqual(cell["status"], "ok", op["id"])
                self.assertEqual(cell["runs"], 5, op["id"])
                self.assertEqual(cell["distinct_outputs"], 1, op["id"])
        # Small outputs carry their values: cuRAND's standard normals, finite and not all equal.
        small = next(op for op in data["operations"] if op["id"] == "n-f64")
        values = [float(v["decimal"]) for v in small["cells"][0]["reference_values"]]
        self.assertEqual(len(values), 16)
        self.assertGreater(len(set(values)), 8)
        self.assertTrue(all(abs(v) < 10 for v in values))

    def test_offset_refused_for_other_algorithms(self):
        bad = {"detaudit": 1, "operations": [{"id": "p", "op": "rng", "algorithm": "philox", "offset": 4}]}
        path = cc.write_json(os.path.join(cc.SCRATCH_DIR, "offset.json"), bad)
        r = cc.run(["validate", path])
        self.assertEqual(r.rc, cc.EXIT_BAD_INPUT, str(r))
        self.assertIn("/operations/0/offset", r.stderr + r.stdout, str(r))


if __name__ == "__main__":
    cc.main()
