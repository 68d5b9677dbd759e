#!/usr/bin/python3
"""Real findings, end to end: order-dependent algorithms must be *observed* to differ (retried,
since nondeterminism is probabilistic), fixed-order ones must never differ (DESIGN §10).

Nondeterministic cells use 4 threads as the base: on a loaded 2-core machine two threads often run
one after the other and sum in a fixed order, while 4 threads interleave on every machine."""
import xml.etree.ElementTree as ET

import cli_common as cc

N = 1 << 20
THREADS = [4, 1]


def reduce_op(op_id, algorithm, **extra):
    return {"id": op_id, "op": "reduce", "algorithm": algorithm, "dtype": "f32", "n": N, **extra}


class Findings(cc.CliTestCase):
    @cc.needs_parallel_cpu
    def test_atomic_reduce_is_nondeterministic(self):
        path = self.scenario("atomic.json", {
            "detaudit": 1, "seed": 7, "runs": 12, "vary": {"cpu.threads": THREADS},
            "operations": [reduce_op("sum-atomic", "atomic", expect={"run_to_run": "any"})]})
        r, report, _ = self.run_until(path, lambda r, rep: cc.differs_run_to_run(rep, "sum-atomic"))
        self.assertEqual(r.rc, cc.EXIT_OK, f"run_to_run 'any' must not fail\n{r}")
        self.assertReportConsistent(report, rc=r.rc)
        op = cc.operation(report, "sum-atomic")
        self.assertEqual(op["measured_class"], {"cpu": "nondeterministic"})
        self.assertEqual(op["design_class"], {"cpu": "not_guaranteed"})
        self.assertEqual(op["design_contradictions"], [])
        base = cc.cell(report, "sum-atomic")
        self.assertGreaterEqual(base["distinct_outputs"], 2)
        diff = base["run_to_run"]["diff"]
        self.assertFalse(diff["identical"])
        self.assertEqual(diff["elements"], 1)
        self.assertGreaterEqual(diff["max_ulp"], 1)
        self.assertGreater(diff["max_abs"], 0)
        first = diff["first_difference"]
        self.assertEqual(first["index"], 0)
        self.assertNotEqual(first["reference"]["hex"], first["other"]["hex"])
        self.assertEqual(base["reference_values"][0], first["reference"],
                         "run 1 is the reference the other runs are compared to")
        # One thread adds the chunk partials in chunk order: atomic is deterministic there.
        single = cc.cell(report, "sum-atomic", "cpu.threads=1")
        self.assertEqual(single["distinct_outputs"], 1)
        self.assertEqual(single["settings"]["cpu.threads"], 1)
        self.assertEqual(base["settings"]["cpu.threads"], THREADS[0])
        r2r = cc.expectation(report, "sum-atomic", "run_to_run")
        self.assertTrue(r2r["evaluated"] and r2r["held"])
        self.assertEqual(r2r["expected"], "any")

    @cc.needs_parallel_cpu
    def test_violated_expectation_exits_1_with_junit_failure(self):
        # The default run_to_run expectation is "identical" (DESIGN §4): atomic violates it.
        path = self.scenario("atomic-identical.json", {
            "detaudit": 1, "seed": 11, "runs": 12, "vary": {"cpu.threads": THREADS},
            "operations": [reduce_op("sum-atomic", "atomic"), reduce_op("sum-blocked", "blocked")]})
        r, report, junit = self.run_until(path, lambda r, rep: r.rc == cc.EXIT_EXPECTATION_FAILED,
                                          junit=True)
        self.assertReportConsistent(report, rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertJunitMatches(junit, report)
        failed = cc.expectation(report, "sum-atomic", "run_to_run")
        self.assertTrue(failed["evaluated"])
        self.assertFalse(failed["held"])
        self.assertEqual(failed["expected"], "identical")
        self.assertIn("runs differ", failed["detail"])
        self.assertTrue(cc.expectation(report, "sum-blocked", "run_to_run")["held"])
        root = ET.parse(junit).getroot()
        atomic = root.find("./testsuite[@name='sum-atomic']/testcase[@name='cpu.run_to_run']")
        self.assertIsNotNone(atomic)
        self.assertIsNotNone(atomic.find("failure"), "the violated expectation is a JUnit <failure>")
        blocked = root.find("./testsuite[@name='sum-blocked']/testcase[@name='cpu.run_to_run']")
        self.assertIsNone(blocked.find("failure"))
        self.assertGreaterEqual(int(root.get("failures")), 1)
        self.assertIn("FAIL", r.stdout, "the console report names the failure")
        self.assertIn("exit 1", r.stdout.strip().splitlines()[-1])

    def test_fixed_order_sums_are_identical_everywhere(self):
        vary = {"cpu.threads": [2, 1, 3], "cpu.schedule": ["static", "dynamic"]}
        strict = {"run_to_run": "identical", "across_variants": "identical"}
        path = self.scenario("fixed.json", {
            "detaudit": 1, "seed": 3, "runs": 4, "vary": vary,
            "operations": [
                reduce_op("sum-blocked", "blocked", expect=strict),
                reduce_op("sum-reproducible", "reproducible", expect=strict),
                reduce_op("sum-reproducible-cancel", "reproducible", expect=strict,
                          input={"distribution": "cancelling", "magnitude": 1e6}),
                reduce_op("sum-sequential", "sequential", expect=strict, n=65536),
            ]})
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertReportConsistent(report, rc=r.rc)
        for op in report["operations"]:
            with self.subTest(op=op["id"]):
                self.assertEqual(len(op["cells"]), 4, "base + 2 threads values + 1 schedule")
                digests = {d for c in op["cells"] for d in c["digests"]}
                self.assertEqual(len(digests), 1, f"{op['id']}: one output everywhere")
                self.assertEqual(op["measured_class"], {"cpu": "variant_invariant"})
                self.assertEqual(len(op["across_variants"]), 3)
                self.assertTrue(all(a["diff"]["identical"] for a in op["across_variants"]))
                for axis in ("run_to_run", "across_variants"):
                    e = cc.expectation(report, op["id"], axis)
                    self.assertTrue(e["evaluated"] and e["held"], e)
                    self.assertEqual(e["expected"], "identical")

    @cc.needs_parallel_cpu
    def test_shared_state_rng_same_values_other_order(self):
        path = self.scenario("rng.json", {
            "detaudit": 1, "seed": 5, "runs": 10, "vary": {"cpu.threads": THREADS},
            "operations": [
                {"id": "rng-shared", "op": "rng", "algorithm": "shared_state", "count": 65536,
                 "expect": {"run_to_run": "differs"}},
                {"id": "rng-philox", "op": "rng", "algorithm": "philox", "count": 65536,
                 "expect": {"run_to_run": "identical", "across_variants": "identical"}}]})
        r, report, _ = self.run_until(path, lambda r, rep: cc.differs_run_to_run(rep, "rng-shared"))
        self.assertEqual(r.rc, cc.EXIT_OK, f"'differs' held and philox is identical\n{r}")
        self.assertReportConsistent(report, rc=r.rc)
        shared = cc.cell(report, "rng-shared")
        rr = shared["run_to_run"]
        self.assertIs(rr.get("same_multiset"), True, "a permutation of the same draws")
        self.assertGreater(rr["diff"]["differing_elements"], 0)
        self.assertEqual(rr["diff"]["elements"], 65536)
        self.assertEqual(shared["output"], {"dtype": "f32", "shape": [65536]})
        self.assertEqual(cc.operation(report, "rng-shared")["measured_class"], {"cpu": "nondeterministic"})
        held = cc.expectation(report, "rng-shared", "run_to_run")
        self.assertTrue(held["held"] and held["expected"] == "differs")
        # One thread draws the stream in order.
        self.assertEqual(cc.cell(report, "rng-shared", "cpu.threads=1")["distinct_outputs"], 1)
        philox = cc.operation(report, "rng-philox")
        self.assertEqual(len({d for c in philox["cells"] for d in c["digests"]}), 1)
        self.assertEqual(philox["measured_class"], {"cpu": "variant_invariant"})
        self.assertEqual(philox["design_class"], {"cpu": "cross_backend"})

    def test_per_thread_reproduces_but_depends_on_thread_count(self):
        path = self.scenario("per-thread.json", {
            "detaudit": 1, "seed": 9, "runs": 5, "vary": {"cpu.threads": [4, 1, 3]},
            "operations": [reduce_op("sum-per-thread", "per_thread", n=1 << 18,
                                     expect={"across_variants": "differs"})]})
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertReportConsistent(report, rc=r.rc)
        op = cc.operation(report, "sum-per-thread")
        for c in op["cells"]:
            self.assertEqual(c["distinct_outputs"], 1, f"{c['variant']} reproduces run to run")
        self.assertEqual(len(op["across_variants"]), 2)
        for a in op["across_variants"]:
            self.assertFalse(a["diff"]["identical"], f"{a['variant']} groups the additions differently")
            self.assertEqual(a["changed_axes"], ["cpu.threads"])
            self.assertEqual(a["reference"], "cpu/base")
        self.assertEqual(op["measured_class"], {"cpu": "run_to_run"})
        self.assertEqual(op["design_class"], {"cpu": "run_to_run"})
        self.assertTrue(cc.expectation(report, "sum-per-thread", "run_to_run")["held"])
        self.assertTrue(cc.expectation(report, "sum-per-thread", "across_variants")["held"])

    def test_tolerance_expectation(self):
        # per_thread across thread counts differs by a few ULP of the sum: a generous tolerance
        # holds, a zero one fails, and the failure is exit 1.
        def scenario(name, tolerance):
            return self.scenario(name, {
                "detaudit": 1, "seed": 9, "runs": 2, "vary": {"cpu.threads": [4, 1]},
                "operations": [reduce_op("s", "per_thread", n=1 << 18,
                                         expect={"across_variants": tolerance})]})
        r, report, _ = self.run_report(scenario("loose.json", {"max_rel": 1e-2}), expect_rc=cc.EXIT_OK)
        self.assertTrue(cc.expectation(report, "s", "across_variants")["held"])
        self.assertEqual(cc.expectation(report, "s", "across_variants")["expected"], {"max_rel": 1e-2})
        r, report, _ = self.run_report(scenario("tight.json", {"max_ulp": 0}),
                                       expect_rc=cc.EXIT_EXPECTATION_FAILED)
        self.assertReportConsistent(report, rc=r.rc)
        self.assertFalse(cc.expectation(report, "s", "across_variants")["held"])


if __name__ == "__main__":
    cc.main()
