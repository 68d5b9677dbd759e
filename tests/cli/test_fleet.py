#!/usr/bin/python3
"""Sharded audits, merge and diff end to end (docs/fleet.md): the shard split recomputed in Python
from its definition (rendezvous hashing with XXH3-64), merged shards against an unsharded run,
report pairs that differ in one cell, in the environment only or in nothing, and every refusal."""
import copy
import json
import os

import cli_common as cc

try:
    import xxhash
except ImportError:
    xxhash = None

FLEET = ("tests", "data", "fleet", "fleet.json")


def shard_of(op_id, n):
    """docs/fleet.md: the shard K in 1..N whose XXH3-64(id, seed K) is largest (first on ties)."""
    weights = [xxhash.xxh3_64_intdigest(op_id.encode(), seed=k) for k in range(1, n + 1)]
    return weights.index(max(weights)) + 1


def comparable(report):
    report = copy.deepcopy(report)
    for key in ("started_at", "duration_s", "environment", "merged_from", "runs_dir"):
        report.pop(key, None)
    for op in report["operations"]:
        for c in op["cells"]:
            c.pop("time", None)
    return report


class ShardRuns(cc.CliTestCase):
    def shard(self, k, n, name=None, scenario=None, extra=(), expect_rc=0):
        path = self.path(name or f"shard-{k}-of-{n}.json")
        self.detaudit("run", scenario or cc.source_path(*FLEET), "--shard", f"{k}/{n}", "--json", path, "-q",
                      *extra, expect_rc=expect_rc)
        return path


class Shards(ShardRuns):
    def test_bad_shard_flags(self):
        for value in ("3/2", "0/0", "0/4", "a/b", "1/", "/2", "1/2/3", "-1/2", ""):
            with self.subTest(value=value):
                out = self.path("never.json")
                r = self.detaudit("run", cc.source_path(*FLEET), "--shard", value, "--json", out)
                self.assertOneErrorLine(r, ["--shard"])
                self.assertFalse(os.path.exists(out))

    def test_split_matches_rendezvous_definition_and_is_stable(self):
        if xxhash is None:
            self.skipTest("python3-xxhash is not installed: cannot recompute the split")
        ids = [op["id"] for op in cc.load_json(cc.source_path(*FLEET))["operations"]]
        for n in (1, 2, 3, 7):
            for k in range(1, n + 1):
                report = cc.load_json(self.shard(k, n))
                held = [o["id"] for o in report["shard"]["operations"]]
                self.assertEqual(held, [i for i in ids if shard_of(i, n) == k], f"shard {k}/{n}")
                self.assertEqual(sorted({o["id"] for o in report["operations"]}), sorted(held))
                self.assertEqual(report["shard"]["index"], k)
                self.assertEqual(report["summary"]["operations"], len(held))
                self.assertSchemaValid(self.path(f"shard-{k}-of-{n}.json"))
        for n in range(1, 40):  # growing N moves ops only to the new shard
            for i in ids:
                self.assertIn(shard_of(i, n + 1), (shard_of(i, n), n + 1))

    def test_scenario_digest_is_of_the_normalised_scenario(self):
        scenario = cc.load_json(cc.source_path(*FLEET))
        a = self.scenario("a.json", scenario)
        respelled = copy.deepcopy(scenario)
        respelled["description"] = "another description"
        respelled["operations"][0]["input"] = {"distribution": "uniform", "low": -1, "high": 1}  # the default
        with open(self.path("b.json"), "w") as f:
            json.dump(respelled, f, indent=7, sort_keys=True)
        reseeded = copy.deepcopy(scenario)
        reseeded["seed"] = 8
        c = self.scenario("c.json", reseeded)
        digests = []
        for path in (a, self.path("b.json"), c):
            _, report, _ = self.run_report(path, "--runs", "1", expect_rc=0, name=os.path.basename(path))
            digests.append(report["scenario"]["scenario_digest"])
        self.assertEqual(digests[0], digests[1])
        self.assertNotEqual(digests[0], digests[2])


class Merge(ShardRuns):
    N = 3

    def shards(self):
        return [self.shard(k, self.N) for k in range(1, self.N + 1)]

    def refused(self, inputs, must_contain):
        out = self.path("merged.json")
        r = self.detaudit("merge", *inputs, "-o", out)
        self.assertOneErrorLine(r, must_contain)
        self.assertFalse(os.path.exists(out), "merge wrote a file although it refused")

    def edited(self, source, name, edit):
        report = cc.load_json(source)
        edit(report)
        return cc.write_json(self.path(name), report)

    def test_merge_equals_unsharded_run(self):
        _, unsharded, _ = self.run_report(cc.source_path(*FLEET), expect_rc=0, name="unsharded")
        out = self.path("merged.json")
        self.detaudit("merge", *reversed(self.shards()), "-o", out, expect_rc=0)
        merged = cc.load_json(out)
        self.assertSchemaValid(out)
        self.assertEqual(comparable(merged), comparable(unsharded))
        self.assertEqual([m["shard"] for m in merged["merged_from"]], list(range(1, self.N + 1)))
        self.assertTrue(all(m["environment"] for m in merged["merged_from"]))
        self.assertNotIn("shard", merged)

    def test_merge_of_shards_run_with_a_baseline(self):
        """Each shard records the baseline's differing and missing cells of its own operations; the
        merged report holds all of them in operation order, as the unsharded run does."""
        _, saved, _ = self.run_report(cc.source_path(*FLEET), expect_rc=0, name="saved")
        saved["operations"][2]["cells"][1]["digests"][0] = "0" * 32  # one cell drifted
        saved["operations"][4]["cells"][0]["digests"][0] = "1" * 32  # another, in another op
        saved["operations"].pop(0)  # and one operation missing
        baseline = cc.write_json(self.path("baseline.json"), saved)
        _, unsharded, _ = self.run_report(cc.source_path(*FLEET), "--baseline", baseline, expect_rc=1,
                                          name="unsharded-baseline")
        shards = [self.shard(k, self.N, f"baseline-shard-{k}.json", extra=("--baseline", baseline), expect_rc=None)
                  for k in range(1, self.N + 1)]
        out = self.path("merged-baseline.json")
        self.detaudit("merge", *reversed(shards), "-o", out, expect_rc=1)  # the merged verdict: two cells drifted
        merged = cc.load_json(out)
        recorded = unsharded["scenario"]["baseline"]
        self.assertEqual(len(recorded["differing_cells"]), 2)
        self.assertTrue(recorded["missing_cells"])
        self.assertEqual(merged["scenario"]["baseline"], recorded)
        self.assertEqual(comparable(merged), comparable(unsharded))
        # Shards that disagree on the baseline are not one audit.
        plain = self.shard(1, self.N, "plain-shard-1.json")
        self.refused([plain] + shards[1:], ["--baseline", "without"])

    def test_refusals(self):
        s = self.shards()
        self.refused(s[:-1], ["shard 3/3 is missing"])
        self.refused([s[0], s[0], s[1], s[2]], ["both shard 1/3"])
        other_n = self.shard(1, 2, name="other-n.json")
        self.refused([other_n] + s[1:], ["same N"])
        reseeded = cc.load_json(cc.source_path(*FLEET))
        reseeded["seed"] = 99
        foreign = self.shard(1, 3, name="foreign.json", scenario=self.scenario("reseeded.json", reseeded))
        self.refused([foreign] + s[1:], ["another scenario"])
        self.run_report(cc.source_path(*FLEET), expect_rc=0, name="whole")
        self.refused([self.path("whole.json")] + s[1:], ["not a shard report"])

        def duplicate_cell(report):
            report["operations"][0]["cells"].append(report["operations"][0]["cells"][0])
        with_ops = next(p for p in s if cc.load_json(p)["operations"])
        dup = self.edited(with_ops, "dup.json", duplicate_cell)
        self.refused([dup if p == with_ops else p for p in s], ["duplicate cell"])

        def drop_operation(report):
            report["operations"].pop()
        dropped = self.edited(with_ops, "dropped.json", drop_operation)
        self.refused([dropped if p == with_ops else p for p in s], ["lacks operation"])

        with open(s[1]) as f:
            text = f.read()
        with open(self.path("truncated.json"), "w") as f:
            f.write(text[: len(text) // 2])
        self.refused([s[0], self.path("truncated.json"), s[2]], ["truncated.json"])
        future = self.edited(s[1], "future.json", lambda r: r.update(schema_version=99))
        self.refused([s[0], future, s[2]], ["future.json"])
        with open(self.path("twice.json"), "w") as f:
            f.write(text.replace('"started_at"', '"started_at": "2020-01-01T00:00:00Z",\n  "started_at"', 1))
        self.refused([s[0], self.path("twice.json"), s[2]], ["twice.json: /started_at: duplicate key"])

    def test_merge_of_reformatted_shards(self):
        # Operations are copied from the shards' text: shards saved in another layout still merge
        # into the same report, and the result is valid JSON of the schema.
        _, unsharded, _ = self.run_report(cc.source_path(*FLEET), expect_rc=0, name="unsharded")
        compact = []
        for k, path in enumerate(self.shards(), 1):
            compact.append(self.path(f"compact-{k}.json"))
            with open(compact[-1], "w") as f:
                json.dump(cc.load_json(path), f, separators=(",", ":"))
        out = self.path("merged.json")
        self.detaudit("merge", *compact, "-o", out, expect_rc=0)
        self.assertSchemaValid(out)
        self.assertEqual(comparable(cc.load_json(out)), comparable(unsharded))


class Diff(cc.CliTestCase):
    def setUp(self):
        super().setUp()
        _, self.report, _ = self.run_report(cc.source_path(*FLEET), expect_rc=0, name="a")
        self.a = self.path("a.json")

    def variant(self, name, edit):
        report = copy.deepcopy(self.report)
        edit(report)
        return cc.write_json(self.path(name), report)

    def diff(self, b, rc, *extra):
        out = self.path("diff.json")
        r = self.detaudit("diff", self.a, b, "--json", out, *extra, expect_rc=rc)
        self.assertSchemaValid(out, "diff.schema.json")
        return r, cc.load_json(out)

    def test_identical_reports(self):
        r, d = self.diff(self.a, 0)
        pair = d["pairs"][0]
        cells = sum(len(op["cells"]) for op in self.report["operations"])
        self.assertEqual((pair["summary"]["matched"], pair["summary"]["same"]), (cells, cells))
        self.assertEqual(pair["environment"], [])
        self.assertIn("PASS", r.stdout)

    def test_environment_only(self):
        def edit(report):
            report["environment"]["blas"]["config"] = "OpenBLAS 0.3.26 (edited)"
            report["environment"]["numerics_env"]["OMP_NUM_THREADS"] = "123"
            report["environment"]["memory_bytes"] += 1
        r, d = self.diff(self.variant("env.json", edit), 0)
        fields = {e["field"]: e for e in d["pairs"][0]["environment"]}
        self.assertEqual(set(fields), {"blas.config", "numerics_env.OMP_NUM_THREADS", "memory_bytes"})
        self.assertTrue(fields["blas.config"]["explains"])
        self.assertEqual(fields["numerics_env.OMP_NUM_THREADS"]["a"],
                         self.report["environment"]["numerics_env"].get("OMP_NUM_THREADS", "unset"))
        self.assertFalse(fields["memory_bytes"]["explains"])
        self.assertEqual(d["pairs"][0]["summary"]["differing"], 0)

    def test_one_cell_differs(self):
        def edit(report):
            report["environment"]["cpu"]["hardware_threads"] = 64
            report["operations"][1]["cells"][0]["digests"][0] = "0" * 32
        r, d = self.diff(self.variant("cell.json", edit), 1)
        pair = d["pairs"][0]
        self.assertEqual((pair["summary"]["differing"], pair["summary"]["failed"]), (1, 1))
        differing = [c for c in pair["cells"] if not c["same"]]
        self.assertEqual(differing[0]["operation"], self.report["operations"][1]["id"])
        self.assertIn("FAIL " + self.report["operations"][1]["id"], r.stdout)
        self.assertIn("cpu.hardware_threads", r.stdout.split("FAIL ")[1])  # the explanation next to it
        md = self.path("diff.md")
        self.detaudit("diff", self.a, self.path("cell.json"), "--markdown", md, expect_rc=1)
        with open(md) as f:
            text = f.read()
        self.assertTrue(text.startswith("## detaudit diff: fleet — FAIL"))
        self.assertIn("<details>", text)

    def test_cells_on_one_side_only_and_bad_input(self):
        b = self.variant("fewer.json", lambda r: r["operations"].pop())
        r, d = self.diff(b, 0)
        self.assertEqual(len(d["pairs"][0]["only_in_a"]), len(self.report["operations"][-1]["cells"]))
        foreign = self.variant("foreign.json", lambda r: r["scenario"].update(scenario_digest="f" * 32))
        self.assertOneErrorLine(self.detaudit("diff", self.a, foreign), ["another scenario"])
        self.assertOneErrorLine(self.detaudit("diff", self.a), ["reports"])
        self.assertOneErrorLine(self.detaudit("diff", self.a, self.a, "--dumps", "x", "y", "z"), ["--dumps"])
        with open(self.a) as f:
            text = f.read()
        with open(self.path("twice.json"), "w") as f:
            f.write(text.replace('"scenario_digest"', '"scenario_digest": "0",\n    "scenario_digest"', 1))
        self.assertOneErrorLine(self.detaudit("diff", self.a, self.path("twice.json")),
                                ["twice.json: /scenario/scenario_digest: duplicate key"])


class Baseline(cc.CliTestCase):
    def setUp(self):
        super().setUp()
        _, self.saved, _ = self.run_report(cc.source_path(*FLEET), expect_rc=0, name="saved")

    def edited(self, name, edit):
        report = copy.deepcopy(self.saved)
        edit(report)
        return cc.write_json(self.path(name), report)

    def baseline_results(self, report):
        return [e for op in report["operations"] for e in op["expectations"] if e["axis"] == "baseline"]

    def test_same_results_pass(self):
        r, report, _ = self.run_report(cc.source_path(*FLEET), "--baseline", self.path("saved.json"), expect_rc=0,
                                       name="again")
        results = self.baseline_results(report)
        self.assertEqual(len(results), len(report["operations"]))
        self.assertTrue(all(e["evaluated"] and e["held"] and e["expected"] == "identical" for e in results))
        self.assertEqual(report["summary"]["expectations_passed"],
                         sum(1 for op in report["operations"] for e in op["expectations"] if e["evaluated"] and e["held"]))
        self.assertSchemaValid(self.path("again.json"))

    def test_drift_fails_unless_the_scenario_says_any(self):
        op_id = self.saved["operations"][2]["id"]

        def drift(report):
            report["operations"][2]["cells"][1]["digests"][0] = "0" * 32
        drifted = self.edited("drifted.json", drift)
        r, report, _ = self.run_report(cc.source_path(*FLEET), "--baseline", drifted, expect_rc=1, name="gated")
        failed = [e for e in self.baseline_results(report) if not e["held"]]
        self.assertEqual(len(failed), 1)
        self.assertIn("1 of 2 cells differ", failed[0]["detail"])
        self.assertEqual(report["summary"]["exit_code"], 1)
        scenario = cc.load_json(cc.source_path(*FLEET))
        scenario["operations"][2].setdefault("expect", {})["baseline"] = "any"
        relaxed = self.scenario("relaxed.json", scenario)
        r, report, _ = self.run_report(relaxed, "--baseline", drifted, expect_rc=0, name="relaxed-run")
        self.assertEqual(next(op for op in report["operations"] if op["id"] == op_id)["expectations"][-1]["expected"], "any")

    def test_missing_cells_are_listed(self):
        gone = self.saved["operations"][0]["id"]
        fewer = self.edited("fewer.json", lambda r: r["operations"].pop(0))
        r, report, _ = self.run_report(cc.source_path(*FLEET), "--baseline", fewer, expect_rc=0, name="fewer-run")
        self.assertIn("cells are missing from the --baseline report", r.stderr)
        self.assertIn(gone + " cpu/base", r.stderr)
        self.assertFalse(self.baseline_results(report)[0]["evaluated"])

    def test_foreign_or_unreadable_baseline_is_bad_input(self):
        foreign = self.edited("foreign.json", lambda r: r["scenario"].update(scenario_digest="e" * 32))
        out = self.path("never.json")
        r = self.detaudit("run", cc.source_path(*FLEET), "--baseline", foreign, "--json", out)
        self.assertOneErrorLine(r, ["--baseline", "another scenario"])
        self.assertFalse(os.path.exists(out))
        with open(self.path("cut.json"), "w") as f:
            f.write(json.dumps(self.saved)[:100])
        r = self.detaudit("run", cc.source_path(*FLEET), "--baseline", self.path("cut.json"), "--json", out)
        self.assertOneErrorLine(r, ["cut.json"])
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    cc.main()
