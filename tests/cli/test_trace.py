#!/usr/bin/python3
"""`detaudit trace-diff A B` on traces written by python/detaudit_trace.py: the first divergence,
its root, different paths, exit codes (0 same, 1 differs, 2 bad input with one error line), --json
against docs/trace-diff.schema.json; and the PyTorch example scenario (scenarios/pytorch-train.json)
end to end: detaudit names the planted nondeterministic step as the root."""
import glob
import json
import os
import subprocess
import sys
import textwrap
import unittest

import cli_common as cc

PYTHON = "/usr/bin/python3"  # Debian's: numpy, torch, xxhash


def write_trace(test, name, code, values=None):
    """Run `code` with the helper importable and DETAUDIT_TRACE set; return the trace path."""
    path = test.path(name)
    env = dict(os.environ, DETAUDIT_TRACE=path, PYTHONPATH=cc.source_path("python"))
    env.pop("DETAUDIT_TRACE_VALUES", None)
    if values:
        env["DETAUDIT_TRACE_VALUES"] = values
    p = subprocess.run([PYTHON, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                       timeout=300)
    test.assertEqual(p.returncode, 0, p.stderr)
    return path


# A tiny "training loop": a sum whose order depends on `order`, then values computed from it.
PROGRAM = """
import numpy as np, detaudit_trace as dt
rng = np.random.default_rng(1)
w = rng.standard_normal(1000).astype(np.float32)
for step in range(3):
    with dt.step(step):
        parts = [w[i::4] * (step + 1) for i in range(4)]
        for i, p in enumerate(parts):
            dt.record(f"part/{{i}}", p)
        order = {order} if step == 1 else range(4)
        total = np.float32(0)
        for i in order:
            total = np.float32(total + parts[i].sum(dtype=np.float32))
        dt.record("total", np.array([total]), inputs=[f"part/{{i}}" for i in range(4)])
        w = (w * total).astype(np.float32)
        dt.record("w", w, inputs=["total"])
"""


class TraceDiff(cc.CliTestCase):
    def test_identical_traces_exit_0(self):
        a = write_trace(self, "a.jsonl", PROGRAM.format(order="range(4)"))
        b = write_trace(self, "b.jsonl", PROGRAM.format(order="range(4)"))
        r = self.detaudit("trace-diff", a, b, expect_rc=cc.EXIT_OK)
        self.assertIn("traces identical (18 records)", r.stdout)

    def test_names_the_first_divergence_and_its_root(self):
        a = write_trace(self, "a.jsonl", PROGRAM.format(order="range(4)"), values="*total")
        b = write_trace(self, "b.jsonl", PROGRAM.format(order="[3, 1, 2, 0]"), values="*total")
        json_path = self.path("d.json")
        r = self.detaudit("trace-diff", a, b, "--json", json_path, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        # seq: step 0 = 6 records (#0-5), step 1's parts #6-9, its total #10.
        self.assertIn("first differs at #10 step 1/total (inputs identical: this is where it starts)", r.stdout)
        self.assertIn("later records differ", r.stdout)
        self.assertSchemaValid(json_path, "trace-diff.schema.json")
        d = cc.load_json(json_path)
        self.assertEqual(d["first"]["seq"], 10)
        self.assertEqual(d["root"]["name"], "step 1/total")
        self.assertEqual(d["first"]["inputs"], "match")
        self.assertGreaterEqual(d["first"]["metrics"]["max_ulp"], 1)
        # step 1/w (#11) differs because its input (total) differs: propagated, not a root.
        self.assertEqual(d["records"][1]["name"], "step 1/w")
        self.assertEqual(d["records"][1]["inputs"], "differ")
        self.assertEqual(d["later_differing_records"], d["differing_records"] - 1)

    def test_report_paths_and_values_files_are_checked(self):
        """--json over an input trace is refused (it overwrote the trace); a kept values file that
        is a FIFO is refused, not waited on forever; a link is not followed."""
        a = write_trace(self, "a.jsonl", PROGRAM.format(order="range(4)"), values="*total")
        b = write_trace(self, "b.jsonl", PROGRAM.format(order="[3, 1, 2, 0]"), values="*total")
        before = open(a, "rb").read()
        r = self.detaudit("trace-diff", a, b, "--json", a, expect_rc=cc.EXIT_BAD_INPUT)
        self.assertIn("--json", r.stderr)
        self.assertEqual(open(a, "rb").read(), before)
        values = sorted(glob.glob(a + ".values/*"))
        self.assertTrue(values, "the helper kept values")
        for v in values:
            os.remove(v)
            os.mkfifo(v)
        r = self.detaudit("trace-diff", a, b, "--json", "-", expect_rc=cc.EXIT_EXPECTATION_FAILED, timeout=60)
        d = json.loads(r.stdout)
        self.assertIn("regular file", d["first"]["metrics_error"])
        self.assertIn("first differs at #10", r.stderr, "the console goes to stderr when the report is stdout")

    def test_different_paths(self):
        a = write_trace(self, "a.jsonl", "import detaudit_trace as dt\nfor n in ['x', 'branch_a', 'y']: dt.record(n, 1.0)")
        b = write_trace(self, "b.jsonl", "import detaudit_trace as dt\nfor n in ['x', 'branch_b']: dt.record(n, 1.0)")
        r = self.detaudit("trace-diff", a, b, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertIn("the runs took different paths at record 1: `branch_a` vs `branch_b`", r.stdout)

    def test_env_prints_the_helper_location(self):
        r = self.detaudit("env", "--json", expect_rc=cc.EXIT_OK)
        helper = __import__("json").loads(r.stdout)["trace_helper"]
        self.assertTrue(helper.endswith("detaudit_trace.py") and os.path.isfile(helper), helper)

    def test_bad_traces_are_one_error_line(self):
        good = write_trace(self, "good.jsonl", "import detaudit_trace as dt\ndt.record('x', 1.0)\ndt.record('y', 2.0)")
        with open(good) as f:
            text = f.read()
        truncated = self.path("truncated.jsonl")
        with open(truncated, "w") as f:
            f.write(text[: text.index('"name":"y"') + 5])
        r = self.detaudit("trace-diff", good, truncated)
        self.assertOneErrorLine(r, ["truncated.jsonl", "line 3", "truncated"])
        r = self.detaudit("trace-diff", good, self.path("missing.jsonl"))
        self.assertOneErrorLine(r, ["missing.jsonl", "missing"])
        future = self.path("future.jsonl")
        with open(future, "w") as f:
            f.write('{"detaudit_trace": 7}\n')
        self.assertOneErrorLine(self.detaudit("trace-diff", good, future), ["future.jsonl", "unknown trace version 7"])
        dup = self.path("dup.jsonl")
        with open(dup, "w") as f:
            lines = text.splitlines(keepends=True)
            f.write(lines[0] + lines[1] + lines[1])
        self.assertOneErrorLine(self.detaudit("trace-diff", good, dup), ["dup.jsonl", "line 3", "duplicate seq 0"])


class TracedExec(cc.CliTestCase):
    def test_pytorch_example_names_the_planted_step(self):
        def threaded_divergences(report):
            return [d for op in report["operations"] if op["id"] == "threaded"
                    for c in op["cells"] for d in c["run_to_run"].get("first_divergences", [])]

        # Thread completion order virtually always differs between runs; retry the rare case
        # where two runs happened to finish in the same order.
        r, report, _ = self.run_until("scenarios/pytorch-train.json",
                                      lambda r, rep: len(threaded_divergences(rep)) > 0, attempts=3)
        self.assertEqual(r.rc, cc.EXIT_OK, r)
        for attempt in range(3):
            if os.path.exists(self.path(f"attempt{attempt}.json")):
                self.assertSchemaValid(self.path(f"attempt{attempt}.json"))
        for d in threaded_divergences(report):
            # The planted step: the shards' gradients (its inputs) are identical, their sum is not.
            self.assertRegex(d["first"]["name"], r"^step [3-7]/model\.fc2\.weight\.grad$")
            self.assertEqual(d["first"]["inputs"], "match")
            self.assertEqual(d["root"]["seq"], d["first"]["seq"])
            self.assertGreater(d["later_differing_records"], 0)
        self.assertRegex(r.stdout, r"threaded: run [23] vs run 1 first differs at #\d+ step \d/model\.fc2\.weight\.grad "
                                   r"\(inputs identical: this is where it starts\); \d+ later records differ")
        for op in report["operations"]:
            divergences = [d for c in op["cells"] for d in c["run_to_run"].get("first_divergences", [])]
            if op["id"] in ("global-seed", "generator"):
                self.assertEqual(divergences, [], op["id"])  # seeded: traces identical
            if op["id"] == "unseeded":
                self.assertTrue(divergences)
                for d in divergences:  # the data order, straight from the OS-seeded `random`
                    self.assertEqual(d["first"]["name"], "data/x")
                    self.assertEqual(d["first"]["inputs"], "not_recorded")

    def test_a_bad_trace_fails_its_cell_only(self):
        program = self.path("prog.py")
        with open(program, "w") as f:
            f.write(textwrap.dedent("""
                import os, sys, numpy as np
                mode, out = sys.argv[1], sys.argv[2]
                np.save(os.path.join(out, "y.npy"), np.arange(3.0))
                if mode == "truncated":
                    with open(os.environ["DETAUDIT_TRACE"], "w") as t:
                        t.write('{"detaudit_trace": 1}\\n{"seq": 0, "name": "x", "dty')
                elif mode == "good":
                    import detaudit_trace as dt
                    dt.record("y", np.arange(3.0))
                """))
        ops = [{"id": mode, "op": "exec", "command": [PYTHON, program, mode, "{out}"], "trace": True,
                "outputs": ["y.npy"]} for mode in ("truncated", "missing", "good")]
        scenario = self.scenario("s.json", {"detaudit": 1, "name": "bad-traces", "runs": 2, "operations": ops})
        r, report, _ = self.run_report(scenario, expect_rc=cc.EXIT_EXECUTION_FAILED)
        cells = {op["id"]: op["cells"][0] for op in report["operations"]}
        self.assertEqual(cells["truncated"]["status"], "error")
        self.assertRegex(cells["truncated"]["reason"], r"run 1: trace .*trace.jsonl: line 2: truncated")
        self.assertEqual(cells["missing"]["status"], "error")
        self.assertIn("wrote no trace at {out}/trace.jsonl", cells["missing"]["reason"])
        self.assertEqual(cells["good"]["status"], "ok")
        self.assertSchemaValid(self.path("report.json"))

    def test_variant_vs_base_gets_a_first_divergence(self):
        program = self.path("prog.py")
        with open(program, "w") as f:
            f.write(textwrap.dedent("""
                import os, sys, numpy as np, detaudit_trace as dt
                scale = float(os.environ.get("SCALE", "1"))
                x = dt.record("x", np.arange(4.0))
                dt.record("y", np.arange(4.0) * scale, inputs=["x"])
                np.save(os.path.join(sys.argv[1], "y.npy"), np.arange(4.0) * scale)
                """))
        scenario = self.scenario("s.json", {
            "detaudit": 1, "name": "variants", "runs": 2, "vary": {"env.SCALE": ["1", "2"]},
            "operations": [{"id": "p", "op": "exec", "command": [PYTHON, program, "{out}"], "trace": True,
                            "outputs": [{"path": "y.npy", "expect": {"across_variants": "any"}}]}]})
        r, report, _ = self.run_report(scenario, expect_rc=cc.EXIT_OK)
        self.assertSchemaValid(self.path("report.json"))
        (cmp,) = report["operations"][0]["across_variants"]
        d = cmp["first_divergence"]
        self.assertEqual(d["first"]["name"], "y")
        self.assertEqual(d["first"]["inputs"], "match")
        self.assertEqual(d["later_differing_records"], 0)
        self.assertIn("p: host/env.SCALE=2 vs host/base first differs at #1 y (inputs identical", r.stdout)
        for c in report["operations"][0]["cells"]:
            self.assertNotIn("first_divergences", c["run_to_run"])  # runs of one variant agree

    def test_trace_must_be_a_boolean(self):
        scenario = self.scenario("s.json", {"detaudit": 1, "operations": [
            {"id": "p", "op": "exec", "command": ["true"], "outputs": ["x"], "trace": "yes"}]})
        self.assertOneErrorLine(self.detaudit("validate", scenario), ["/operations/0/trace", "true or false"])


if __name__ == "__main__":
    cc.main()
