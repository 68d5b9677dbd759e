#!/usr/bin/python3
"""Every example scenario in scenarios/ (globbed, so a new one is covered without editing this
file) validates, runs, and produces a JSON report matching docs/report.schema.json and a JUnit
report with one testcase per expectation (DESIGN §10)."""
import glob
import os
import unittest

import cli_common as cc

# The exit code each example documents. Files not listed may end 0 or 1 (both are findings the
# report explains); anything else (2 bad input, 3, 4, 130) is a failure of the example.
DOCUMENTED_EXIT = {
    "quickstart.json": cc.EXIT_OK,
    "matmul.json": cc.EXIT_OK,
    "atomics.json": cc.EXIT_OK,
    "elementwise.json": cc.EXIT_OK,
    "reductions.json": cc.EXIT_OK,  # cuda cells skipped without a GPU: not a failure
    "gpu.json": cc.EXIT_OK,  # likewise
    "pytorch-gpu.json": cc.EXIT_OK,  # its program exits 77 without PyTorch + CUDA: cells skipped
    "accuracy.json": cc.EXIT_OK,
}
FAST_RUNS = "3"


def scenario_files():
    return sorted(glob.glob(cc.source_path("scenarios", "*.json")))


def expects_differs(scenario):
    """An expectation "differs" needs the scenario's own run count to have a chance to hold, so
    --runs is not lowered for such a scenario."""
    blocks = [scenario.get("defaults", {}).get("expect", {})]
    blocks += [op.get("expect", {}) for op in scenario.get("operations", []) if isinstance(op, dict)]
    return any(value == "differs" for block in blocks if isinstance(block, dict) for value in block.values())


class ExampleScenarios(cc.CliTestCase):
    def test_there_are_examples(self):
        self.assertIn("quickstart.json", [os.path.basename(f) for f in scenario_files()])

    def test_validate_each(self):
        for path in scenario_files():
            rel = os.path.relpath(path, cc.SOURCE_DIR)
            with self.subTest(scenario=rel):
                r = self.detaudit("validate", rel, expect_rc=cc.EXIT_OK)
                self.assertTrue(r.stdout.startswith(f"{rel}: valid"), f"validate output\n{r}")
                self.assertEqual(r.stderr, "", f"validate of a good file prints nothing on stderr\n{r}")

    def test_validate_all_at_once(self):
        rels = [os.path.relpath(p, cc.SOURCE_DIR) for p in scenario_files()]
        r = self.detaudit("validate", *rels, expect_rc=cc.EXIT_OK)
        for rel in rels:
            self.assertIn(f"{rel}: valid", r.stdout)

    def test_run_each(self):
        for path in scenario_files():
            name = os.path.basename(path)
            rel = os.path.relpath(path, cc.SOURCE_DIR)
            with self.subTest(scenario=rel):
                scenario = cc.load_json(path)
                extra = [] if expects_differs(scenario) else ["--runs", FAST_RUNS]
                allowed = DOCUMENTED_EXIT.get(name, {cc.EXIT_OK, cc.EXIT_EXPECTATION_FAILED})
                r, report, junit = self.run_report(rel, *extra, "--color", "never", junit=True,
                                                   expect_rc=allowed, name=name)
                self.assertSchemaValid(self.path(name + ".json"))
                self.assertReportConsistent(report, rc=r.rc)
                self.assertJunitMatches(junit, report)
                self.assertFalse(report["interrupted"])
                self.assertEqual(report["scenario"]["path"], rel)
                self.assertEqual(report["scenario"]["name"], scenario.get("name", name[:-len(".json")]))
                # Each op in order; an exec op once per output file.
                ids = [op["id"] for op in report["operations"]]
                self.assertEqual(sorted(set(ids), key=ids.index), [op["id"] for op in scenario["operations"]])
                if extra:
                    for op in report["operations"]:
                        for c in op["cells"]:
                            if c["status"] == "ok":
                                self.assertEqual(c["runs"], int(FAST_RUNS), f"--runs overrides {op['id']}")
                # The console report is on stdout and ends with the summary line.
                self.assertIn(f"exit {r.rc}", r.stdout.strip().splitlines()[-1], f"summary line\n{r}")


if __name__ == "__main__":
    cc.main()
