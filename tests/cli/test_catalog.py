#!/usr/bin/python3
"""The catalog's claims and the scenario's settings as the user sees them: design classes that
depend on parameters (rng normal draws are not claimed cross_backend), the same catalog in every
build (cuRAND's algorithms parse everywhere, their cells skipped with the reason where the build
lacks the toolkit), integer settings range-checked before narrowing, the thread count OpenMP
actually gave next to the requested one, and varied axes that apply to no operation."""
import json
import os
import sys

import cli_common as cc

PY = sys.executable


def rng_op(op_id, algorithm, distribution, **extra):
    op = {"id": op_id, "op": "rng", "algorithm": algorithm, "distribution": distribution, "count": 16}
    op.update(extra)
    return op


def algorithm_entry(kinds, kind, name):
    k = next(k for k in kinds if k["kind"] == kind)
    return next(a for a in k["algorithms"] if a["name"] == name)


def exec_writer():
    """An exec op whose program writes one byte into {out}/x."""
    return {"id": "p", "op": "exec", "command": [PY, "-c", "import sys; open(sys.argv[1] + '/x', 'w').write('1')", "{out}"],
            "outputs": ["x"]}


class DesignClassDependsOnParameters(cc.CliTestCase):
    def test_ops_states_the_parameter_dependence(self):
        r = self.detaudit("ops", expect_rc=cc.EXIT_OK)
        self.assertIn("with distribution normal: at most variant_invariant", r.stdout, str(r))
        kinds = json.loads(self.detaudit("ops", "--json", expect_rc=cc.EXIT_OK).stdout)
        for name in ("philox", "curand"):
            conditions = algorithm_entry(kinds, "rng", name).get("weaker_when")
            self.assertEqual(conditions[0]["param"], "distribution", name)
            self.assertEqual(conditions[0]["value"], "normal", name)
            self.assertEqual(conditions[0]["at_most"], "variant_invariant", name)
            self.assertIn("sin", conditions[0]["reason"], name)

    def test_report_claims_per_parameters(self):
        path = self.scenario("rng.json", {"detaudit": 1, "runs": 2, "backends": ["cpu", "cuda"], "operations": [
            rng_op("u", "philox", "uniform"), rng_op("n", "philox", "normal")]})
        _, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertSchemaValid(self.path("report.json"))
        ops = {o["id"]: o for o in report["operations"]}
        self.assertEqual(ops["u"]["design_class"], {"cpu": "cross_backend", "cuda": "cross_backend"})
        self.assertEqual(ops["n"]["design_class"], {"cpu": "variant_invariant", "cuda": "variant_invariant"})


class SameCatalogEveryBuild(cc.CliTestCase):
    def test_curand_parses_and_its_cells_are_skipped_with_the_reason_where_unavailable(self):
        kinds = json.loads(self.detaudit("ops", "--json", expect_rc=cc.EXIT_OK).stdout)
        curand = algorithm_entry(kinds, "rng", "curand")
        algorithm_entry(kinds, "rng", "curand_kernel")  # raises StopIteration when missing
        path = self.scenario("curand.json", {"detaudit": 1, "runs": 2, "backends": ["cpu", "cuda"], "operations": [
            rng_op("c", "curand", "uniform", offset=4), rng_op("k", "curand_kernel", "uniform")]})
        self.detaudit("validate", path, expect_rc=cc.EXIT_OK)
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertSchemaValid(self.path("report.json"))
        cpu = next(c for o in report["operations"] if o["id"] == "c" for c in o["cells"] if c["backend"] == "cpu")
        if "cpu" in curand.get("missing_in_build", {}):
            self.assertEqual(cpu["status"], "skipped", str(r))
            self.assertIn("CUDA toolkit", cpu["reason"])
            self.assertTrue(cpu["reason"].startswith("unavailable: rng/curand on cpu"), cpu["reason"])
        else:
            self.assertEqual(cpu["status"], "ok", str(r))
        kernel_cells = [c for o in report["operations"] if o["id"] == "k" for c in o["cells"]]
        self.assertEqual([c["backend"] for c in kernel_cells], ["cpu", "cuda"])
        self.assertEqual(kernel_cells[0]["reason"], "rng/curand_kernel is not implemented on cpu")


class RangeChecks(cc.CliTestCase):
    def test_grid_size_beyond_an_int_is_refused(self):
        for value in (3000000000, 18446744073709551615):
            path = self.scenario("grid.json", {"detaudit": 1, "backends": ["cuda"],
                                               "vary": {"cuda.grid_size": ["auto", value]},
                                               "operations": [{"id": "t", "op": "reduce", "algorithm": "tree"}]})
            r = self.detaudit("validate", path)
            self.assertOneErrorLine(r, ["/vary/cuda.grid_size/1", "2147483647", str(value)])

    def thread_run(self, env):
        path = self.scenario("threads.json", {"detaudit": 1, "runs": 2, "vary": {"cpu.threads": [1, 2]},
                                              "operations": [{"id": "b", "op": "reduce", "algorithm": "blocked",
                                                              "n": 65536}]})
        json_path = self.path("threads-report.json")
        r = cc.run(["run", path, "--json", json_path, "--color", "never"], env=cc.clean_env(**env))
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertSchemaValid(json_path)
        cells = {c["variant"]: c for c in cc.load_json(json_path)["operations"][0]["cells"]}
        return r, cells

    def test_thread_limit_is_recorded_and_said(self):
        r, cells = self.thread_run({"OMP_THREAD_LIMIT": "1", "OMP_DYNAMIC": None})
        self.assertEqual(cells["base"]["threads"], {"requested": 1, "granted": 1})
        self.assertEqual(cells["cpu.threads=2"]["threads"], {"requested": 2, "granted": 1})
        self.assertIn("note: OpenMP gave 1 cell fewer threads than cpu.threads asked for (2 -> 1; OMP_THREAD_LIMIT=1)",
                      r.stdout, str(r))

    def test_threads_granted_as_asked_without_a_limit(self):
        r, cells = self.thread_run({"OMP_THREAD_LIMIT": None, "OMP_DYNAMIC": None})
        self.assertEqual(cells["cpu.threads=2"]["threads"], {"requested": 2, "granted": 2})
        self.assertNotIn("note: OpenMP gave", r.stdout, str(r))


class AxesThatApplyToNothing(cc.CliTestCase):
    def exec_only(self):
        return self.scenario("exec-only.json", {"detaudit": 1, "runs": 2,
                                                "vary": {"cpu.threads": [1, 2], "env.DETAUDIT_T": ["a", None]},
                                                "operations": [exec_writer()]})

    def test_validate_warns_and_strict_refuses(self):
        path = self.exec_only()
        r = self.detaudit("validate", path, expect_rc=cc.EXIT_OK)
        self.assertIn("detaudit: warning: " + path + ": /vary/cpu.threads: applies to no operation", r.stderr, str(r))
        self.assertNotIn("env.DETAUDIT_T", r.stderr, str(r))
        r = self.detaudit("validate", "--strict", path)
        self.assertOneErrorLine(r, ["/vary/cpu.threads", "applies to no operation", "--strict"])

    def test_run_warns_and_strict_refuses_before_any_work(self):
        path = self.exec_only()
        r, _, _ = self.run_report(path, expect_rc=cc.EXIT_OK)
        self.assertIn("detaudit: warning: " + path + ": /vary/cpu.threads: applies to no operation", r.stderr, str(r))
        json_path = self.path("strict.json")
        r = self.detaudit("run", path, "--strict", "--json", json_path)
        self.assertOneErrorLine(r, ["/vary/cpu.threads", "applies to no operation"])
        self.assertFalse(os.path.exists(json_path))

    def test_validate_lists_only_the_settings_that_apply(self):
        path = self.exec_only()
        r = self.detaudit("validate", path, expect_rc=cc.EXIT_OK)
        variants = [line for line in r.stdout.splitlines() if line.startswith("  variant ")]
        self.assertEqual(variants, ["  variant base: env.DETAUDIT_T=a host.load=none",
                                    "  variant cpu.threads=2: no operation runs with it",
                                    "  variant env.DETAUDIT_T=unset: env.DETAUDIT_T=unset host.load=none"], str(r))
        mixed = self.scenario("mixed.json", {"detaudit": 1, "runs": 2, "vary": {"cpu.threads": [1, 2]},
                                             "operations": [{"id": "r", "op": "reduce", "algorithm": "blocked"}]})
        r = self.detaudit("validate", mixed, expect_rc=cc.EXIT_OK)
        self.assertEqual(r.stderr, "", str(r))
        variants = [line for line in r.stdout.splitlines() if line.startswith("  variant ")]
        self.assertEqual(variants, ["  variant base: cpu.schedule=static cpu.threads=1 host.load=none",
                                    "  variant cpu.threads=2: cpu.schedule=static cpu.threads=2 host.load=none"], str(r))


if __name__ == "__main__":
    cc.main()
