#!/usr/bin/python3
"""The `exec` op end to end: a user's program run N times per variant on the host backend, its
output files compared (.npy typed, .npz per member, anything else by bytes), env.NAME axes, the
placeholders, and every way a program can fail (missing, not executable, non-zero exit, signal,
timeout with its whole process group, no outputs, stdout floods, links out of {out}) as a cell
error while the other cells still run and the report stays complete; --no-exec; --keep-runs."""
import glob
import os
import stat
import sys
import time

import cli_common as cc

try:
    import numpy as np
except ImportError:
    np = None

PY = sys.executable  # the tests' own Python (DETAUDIT_PYTHON), which has numpy


def exec_op(op_id, command, outputs, **extra):
    op = {"id": op_id, "op": "exec", "command": command}
    if outputs is not None:
        op["outputs"] = outputs
    op.update(extra)
    return op


def scenario(*ops, runs=3, **top):
    s = {"detaudit": 1, "name": "exec-test", "runs": runs, "operations": list(ops)}
    s.update(top)
    return s


def entry(report, op_id, output):
    return next(o for o in report["operations"] if o["id"] == op_id and o.get("output") == output)


def host_cell(report, op_id, output, variant="base"):
    return next(c for c in entry(report, op_id, output)["cells"] if c["variant"] == variant)


def python(code):
    """A command running `code` with the tests' Python; sys.argv[1] is {out}."""
    return [PY, "-c", code, "{out}"]


class ExecTestCase(cc.CliTestCase):
    def run_exec(self, obj, *extra, expect_rc=cc.EXIT_OK, name="report"):
        path = self.scenario(name + "-scenario.json", obj)
        r, report, junit = self.run_report(path, "--color", "never", *extra, expect_rc=expect_rc, name=name,
                                           junit=True)
        self.assertSchemaValid(self.path(name + ".json"))
        self.assertReportConsistent(report, rc=r.rc)
        self.assertJunitMatches(junit, report)
        return r, report


class Example(ExecTestCase):
    """scenarios/python-threads.json: each output singled out with its cause."""

    def test_each_output_has_its_cause(self):
        def observed(r, report):
            # Nondeterminism is a probability: retry until thread_sum differed from run to run and
            # some run with PYTHONHASHSEED=1 reproduced one with 0, the case where the rule says
            # the hash seed is not to blame (with disjoint runs it could not tell).
            base = host_cell(report, "train-step", "thread_sum.npy")
            variant = host_cell(report, "train-step", "thread_sum.npy", "env.PYTHONHASHSEED=1")
            return base["run_to_run"]["differing_runs"] > 0 and set(base["digests"]) & set(variant["digests"])

        r, report, _ = self.run_until(os.path.join("scenarios", "python-threads.json"), observed, attempts=4)
        self.assertEqual(r.rc, cc.EXIT_OK, r)
        outputs = [o["output"] for o in report["operations"]]
        self.assertEqual(outputs, ["deterministic.npy", "thread_sum.npy", "set_order.npy"])

        det = entry(report, "train-step", "deterministic.npy")
        self.assertEqual(det["measured_class"], {"host": "variant_invariant"})
        self.assertTrue(all(c["distinct_outputs"] == 1 for c in det["cells"]))
        self.assertTrue(all(a["diff"]["identical"] for a in det["across_variants"]))

        threads = entry(report, "train-step", "thread_sum.npy")
        self.assertEqual(threads["measured_class"], {"host": "nondeterministic"})
        attribution = threads["attribution"][0]
        self.assertTrue(attribution["run_to_run_nondeterministic"])
        # Its differences across PYTHONHASHSEED values are run-to-run noise, not the setting.
        self.assertFalse(any(a["changes_results"] for a in attribution["axes"]), attribution)

        order = entry(report, "train-step", "set_order.npy")
        self.assertEqual(order["measured_class"], {"host": "run_to_run"})
        attribution = order["attribution"][0]
        self.assertFalse(attribution["run_to_run_nondeterministic"])
        effect = next(a for a in attribution["axes"] if a["axis"] == "env.PYTHONHASHSEED")
        self.assertTrue(effect["changes_results"])
        self.assertEqual(effect["changes"][0]["from"], "0")
        self.assertEqual(effect["changes"][0]["to"], "1")

        console = r.stdout
        self.assertIn("run to run, no setting changed: train-step:thread_sum.npy on host", console)
        self.assertRegex(console, r"env\.PYTHONHASHSEED: train-step:set_order\.npy on host \(0→1")
        self.assertNotRegex(console, r"env\.PYTHONHASHSEED:.*thread_sum")

    def test_validate_lists_the_commands(self):
        r = self.detaudit("validate", os.path.join("scenarios", "python-threads.json"), expect_rc=cc.EXIT_OK)
        self.assertIn("train-step: exec/program on host, 2 cells x 6 runs", r.stdout)
        self.assertIn("would run [base]: env OMP_NUM_THREADS=1 PYTHONHASHSEED=0 /usr/bin/python3 "
                      "programs/threads_and_hashes.py --out {out}", r.stdout)
        self.assertIn("would run [env.PYTHONHASHSEED=1]: env OMP_NUM_THREADS=1 PYTHONHASHSEED=1 ", r.stdout)
        self.assertIn("outputs: deterministic.npy, thread_sum.npy, set_order.npy; timeout 120 s; in "
                      + os.path.join(cc.SOURCE_DIR, "scenarios"), r.stdout)


@cc.unittest.skipIf(np is None, "numpy is not installed for this python")
class Outputs(ExecTestCase):
    def test_placeholders_env_and_unset(self):
        code = ("import os, sys, json\n"
                "open(os.path.join(sys.argv[1], 'info.json'), 'w').write(json.dumps({"
                "'run': sys.argv[2], 'variant': sys.argv[3], 'braces': sys.argv[4] + sys.argv[5],"
                "'A': os.environ.get('DETAUDIT_TEST_A'), 'B': os.environ.get('DETAUDIT_TEST_B', 'unset'),"
                "'cwd': os.getcwd()}, sort_keys=True))")
        obj = scenario(exec_op("p", [PY, "-c", code, "{out}", "{run}", "{variant}", "{{out}}", "{k}"], ["info.json"],
                               env={"DETAUDIT_TEST_A": "a-{variant}"}, expect={"run_to_run": "any"}),
                       vary={"env.DETAUDIT_TEST_B": [None, "b"]}, runs=2)
        r, report = self.run_exec(obj, "--dump-dir", self.path("dump"), "--keep-runs")
        kept = self.path("dump/p/host/base/run-2/out/info.json")
        info = cc.load_json(kept)
        self.assertEqual(info, {"run": "2", "variant": "base", "braces": "{out}{k}", "A": "a-base", "B": "unset",
                                "cwd": os.path.dirname(self.path("report-scenario.json"))})
        info = cc.load_json(self.path("dump/p/host/env.DETAUDIT_TEST_B=b/run-1/out/info.json"))
        self.assertEqual((info["variant"], info["A"], info["B"]), ("env.DETAUDIT_TEST_B=b", "a-env.DETAUDIT_TEST_B=b", "b"))
        # {run} differs between runs: the file does, byte for byte, and the report says where.
        c = host_cell(report, "p", "info.json")
        self.assertEqual(c["output"]["dtype"], "bytes")
        self.assertEqual(c["run_to_run"]["differing_runs"], 1)
        diff = c["run_to_run"]["diff"]
        self.assertTrue(diff["raw_bytes"])
        self.assertEqual(diff["differing_elements"], 1)
        first = open(self.path("dump/p/host/base/run-1/out/info.json"), "rb").read()
        self.assertEqual(diff["first_difference"]["index"], first.index(b'"run": "1"') + len('"run": "'))
        self.assertEqual(entry(report, "p", "info.json")["measured_class"], {"host": "nondeterministic"})
        # The variant's file is longer (B's value): a size difference, said as such.
        across = entry(report, "p", "info.json")["across_variants"][0]["diff"]
        self.assertIn("sizes differ", across["mismatch_detail"])
        self.assertIn("differs (sizes differ: ", r.stdout)
        # stdout/stderr of every run are kept in the dump directory.
        self.assertTrue(os.path.isfile(self.path("dump/p/host/base/run-1/stdout.txt")))
        self.assertTrue(os.path.isfile(self.path("dump/p/host/base/run-1/stderr.txt")))

    def test_globs_npz_members_and_typed_statistics(self):
        code = ("import numpy as np, os, sys\n"
                "out, run = sys.argv[1], int(sys.argv[2])\n"
                "os.makedirs(os.path.join(out, 'layers'))\n"
                "for k in range(3):\n"
                "    np.save(os.path.join(out, 'layers', f'w{k}.npy'), np.arange(8, dtype=np.float32) + k)\n"
                "b = np.ones(4, dtype=np.float64)\n"
                "if run == 2: b[1] = np.nextafter(np.nextafter(1.0, 2.0), 2.0)\n"
                "np.savez(os.path.join(out, 'state.npz'), bias=b, step=np.array([7], dtype=np.int64))\n")
        obj = scenario(exec_op("p", [PY, "-c", code, "{out}", "{run}"], ["layers/*.npy", "state.npz"]), runs=3)
        r, report = self.run_exec(obj, expect_rc=cc.EXIT_EXPECTATION_FAILED)
        outputs = [o["output"] for o in report["operations"]]
        self.assertEqual(outputs, ["layers/w0.npy", "layers/w1.npy", "layers/w2.npy", "state.npz:bias", "state.npz:step"])
        for name in outputs[:3]:
            c = host_cell(report, "p", name)
            self.assertEqual((c["status"], c["distinct_outputs"], c["output"]["dtype"]), ("ok", 1, "f32"))
        bias = host_cell(report, "p", "state.npz:bias")
        self.assertEqual(bias["output"], {"dtype": "f64", "shape": [4]})
        self.assertEqual(bias["run_to_run"]["differing_runs"], 1)
        self.assertEqual(bias["run_to_run"]["first_differing_run"], 2)
        self.assertEqual(bias["run_to_run"]["diff"]["max_ulp"], 2)
        self.assertEqual(bias["run_to_run"]["diff"]["first_difference"]["index"], 1)
        self.assertEqual(host_cell(report, "p", "state.npz:step")["output"]["dtype"], "i64")
        self.assertIn("p:state.npz:bias", r.stdout)

    def test_outputs_that_never_repeat_are_not_blamed_on_a_setting(self):
        # A file with a timestamp differs on every run: across variants it differs too, whatever
        # the setting, so the axis is not said to change it.
        code = ("import os, sys, time\n"
                "open(os.path.join(sys.argv[1], 'log.txt'), 'w').write(repr(time.time_ns()))\n")
        obj = scenario(exec_op("p", python(code), ["log.txt"], expect={"run_to_run": "any"}),
                       vary={"env.SOME_SETTING": ["a", "b"]})
        r, report = self.run_exec(obj)
        attribution = entry(report, "p", "log.txt")["attribution"][0]
        self.assertTrue(attribution["run_to_run_nondeterministic"])
        effect = attribution["axes"][0]
        self.assertEqual(effect["axis"], "env.SOME_SETTING")
        self.assertFalse(effect["changes_results"])
        self.assertTrue(effect["changes"][0]["within_run_to_run_noise"])

    def test_each_differing_output_is_dumped_under_its_own_name(self):
        code = ("import numpy as np, os, sys\n"
                "run = int(sys.argv[2])\n"
                "np.save(os.path.join(sys.argv[1], 'a.npy'), np.array([1.0, run], dtype=np.float32))\n"
                "open(os.path.join(sys.argv[1], 'b.txt'), 'w').write('run %d' % run)\n")
        obj = scenario(exec_op("p", [PY, "-c", code, "{out}", "{run}"], ["a.npy", "b.txt"], expect={"run_to_run": "any"}),
                       runs=2)
        self.run_exec(obj, "--dump-dir", self.path("dump"))
        a = np.load(self.path("dump/p/host/base/a.npy/run-2.npy"))
        self.assertEqual(a.tolist(), [1.0, 2.0])
        self.assertEqual(np.load(self.path("dump/p/host/base/a.npy/reference.npy")).tolist(), [1.0, 1.0])
        self.assertEqual(open(self.path("dump/p/host/base/b.txt/run-2.bytes")).read(), "run 2")
        self.assertEqual(open(self.path("dump/p/host/base/b.txt/reference.bytes")).read(), "run 1")
        self.assertFalse(os.path.exists(self.path("dump/p/host/base/run-1/out")), "{out} removed without --keep-runs")

    def test_output_expectations_override_the_op(self):
        code = ("import numpy as np, os, sys\n"
                "np.save(os.path.join(sys.argv[1], 'noisy.npy'), np.array([1.0 + int(sys.argv[2]) * 1e-15]))\n"
                "np.save(os.path.join(sys.argv[1], 'stable.npy'), np.array([1.0]))\n")
        obj = scenario(exec_op("p", [PY, "-c", code, "{out}", "{run}"],
                               [{"path": "noisy.npy", "expect": {"run_to_run": {"max_ulp": 64}}}, "stable.npy"],
                               expect={"run_to_run": "identical"}))
        r, report = self.run_exec(obj)
        noisy = entry(report, "p", "noisy.npy")["expectations"]
        self.assertEqual(next(e for e in noisy if e["axis"] == "run_to_run")["expected"], {"max_ulp": 64})
        self.assertTrue(all(e["held"] for e in noisy))

    def test_a_malformed_output_fails_alone(self):
        code = ("import os, sys\n"
                "open(os.path.join(sys.argv[1], 'x.npy'), 'wb').write(b'\\x93NUMPY garbage')\n"
                "open(os.path.join(sys.argv[1], 'good.txt'), 'w').write('fine')\n")
        r, report = self.run_exec(scenario(exec_op("p", python(code), ["x.npy", "good.txt"])),
                                  expect_rc=cc.EXIT_EXECUTION_FAILED)
        c = host_cell(report, "p", "x.npy")
        self.assertEqual(c["status"], "error")
        self.assertTrue(c["reason"].startswith("run 1: output x.npy: "), c["reason"])
        good = host_cell(report, "p", "good.txt")
        self.assertEqual((good["status"], good["runs"], good["distinct_outputs"]), ("ok", 3, 1))

    def test_links_out_of_out_are_refused(self):
        code = ("import os, sys\n"
                "os.symlink('/etc/passwd', os.path.join(sys.argv[1], 'leak.txt'))\n"
                "os.symlink('/etc', os.path.join(sys.argv[1], 'sub'))\n")
        r, report = self.run_exec(scenario(exec_op("p", python(code), ["leak.txt", "sub/hostname", "*.txt"])),
                                  expect_rc=cc.EXIT_EXECUTION_FAILED)
        self.assertIn("leak.txt is a symbolic link (to /etc/passwd): refused, outputs are read only beneath {out}",
                      host_cell(report, "p", "leak.txt")["reason"])
        self.assertIn("sub is a symbolic link (to /etc): refused", host_cell(report, "p", "sub/hostname")["reason"])
        self.assertNotIn("reference_values", host_cell(report, "p", "sub/hostname"))

    def test_colons_in_file_names_and_expectations_from_defaults(self):
        code = ("import os, sys\n"
                "open(os.path.join(sys.argv[1], 'x:y.txt'), 'w').write(sys.argv[2])\n")
        obj = scenario(exec_op("p", [PY, "-c", code, "{out}", "{run}"], None),
                       defaults={"outputs": [{"path": "*.txt", "expect": {"run_to_run": "differs"}}]})
        r, report = self.run_exec(obj)
        self.assertEqual([o["output"] for o in report["operations"]], ["x:y.txt"])
        e = cc.expectation(report, "p", "run_to_run", backend="host")
        self.assertEqual((e["expected"], e["held"]), ("differs", True))

    def test_long_and_colliding_variant_names_get_their_own_directories(self):
        obj = scenario(exec_op("p", ["sh", "-c", "printf %s \"$X\" > \"$1/x.txt\"", "sh", "{out}"], ["x.txt"]),
                       vary={"env.X": ["a/b", "a_b", "y" * 300]}, runs=1)
        r, report = self.run_exec(obj, "--dump-dir", self.path("dump"), "--keep-runs")
        dirs = sorted(os.listdir(self.path("dump/p/host")))
        self.assertEqual(len(dirs), 3, dirs)
        self.assertIn("env.X=a_b", dirs)
        self.assertTrue(all(len(d) <= 89 for d in dirs), dirs)
        values = [host_cell(report, "p", "x.txt", v)["status"] for v in ("base", "env.X=a_b", "env.X=" + "y" * 300)]
        self.assertEqual(values, ["ok", "ok", "ok"])


class Failures(ExecTestCase):
    """Each failure is a cell error (exit 4) with a clear reason; the other op still runs."""

    def run_failing(self, command, outputs=("a.txt",), **extra):
        good = exec_op("good", ["sh", "-c", "echo ok > \"$1/a.txt\"", "sh", "{out}"], ["a.txt"])
        obj = scenario(exec_op("bad", command, list(outputs), **extra), good, runs=2)
        r, report = self.run_exec(obj, expect_rc=cc.EXIT_EXECUTION_FAILED)
        good_cell = host_cell(report, "good", "a.txt")
        self.assertEqual((good_cell["status"], good_cell["runs"]), ("ok", 2), "the other op still runs")
        bad = host_cell(report, "bad", outputs[0])
        self.assertEqual(bad["status"], "error")
        self.assertIn("Errors", r.stdout)
        return r, report, bad

    def test_missing_program(self):
        r, report, bad = self.run_failing(["no-such-program-detaudit"])
        self.assertTrue(bad["reason"].startswith("run 1: no-such-program-detaudit could not be started: "
                                                 "no such program \"no-such-program-detaudit\" on PATH ("), bad)
        self.assertEqual(bad["runs"], 0)
        # Its expectations could not be evaluated because the cell failed: said so, and an
        # <error> in JUnit (assertJunitMatches), not a skip.
        e = cc.expectation(report, "bad", "run_to_run", backend="host")
        self.assertTrue(e["cells_failed"])
        self.assertIn("not evaluated, a cell failed: host/base: run 1: no-such-program-detaudit", e["detail"])

    def test_not_executable(self):
        path = self.path("script.sh")
        with open(path, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        r, report, bad = self.run_failing([path])
        self.assertIn("is not executable (permission denied)", bad["reason"])

    def test_non_zero_exit_shows_the_stderr_tail(self):
        r, report, bad = self.run_failing(["sh", "-c", "echo first line >&2; echo 'Traceback: boom' >&2; exit 3"])
        self.assertEqual(bad["reason"], "run 1: sh exited with status 3; stderr ends: Traceback: boom")
        self.assertEqual(bad["error_detail"], "first line\nTraceback: boom")
        self.assertIn("      | first line\n      | Traceback: boom", r.stdout)
        # One line for the program's failure, not one per output.
        self.assertEqual(r.stdout.count("exited with status 3"), 1)

    def test_killed_by_a_signal(self):
        r, report, bad = self.run_failing(["sh", "-c", "kill -SEGV $$"])
        self.assertIn("killed by signal 11", bad["reason"])

    def test_writes_nothing(self):
        r, report, bad = self.run_failing(["true"], outputs=("weights.npy", "logits/*.npy"))
        self.assertEqual(bad["reason"], "run 1 wrote no file named weights.npy in {out}")
        glob_cell = host_cell(report, "bad", "logits/*.npy")
        self.assertEqual(glob_cell["reason"], "run 1 wrote no file matching logits/*.npy in {out}")

    def test_timeout_kills_the_process_group(self):
        pids = self.path("pids")
        # A background child, as a data loader would leave: it must die with the group.
        command = ["sh", "-c", f"sleep 60 & echo $! > {pids}; sleep 60"]
        start = time.monotonic()
        r, report, bad = self.run_failing(command, timeout_s=0.5)
        self.assertLess(time.monotonic() - start, 30)
        self.assertEqual(bad["reason"], "run 1: sh timed out after 0.5 s (timeout_s): its process group was killed")
        child = int(open(pids).read())
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            with open(f"/proc/{child}/stat") as f:  # a zombie awaiting its reaper is dead too
                if f.read().split(") ")[1].startswith("Z"):
                    break
            time.sleep(0.05)
        else:
            self.fail(f"the background child {child} survived the timeout")

    def test_stdout_flood_is_capped_not_fatal(self):
        command = ["sh", "-c", "head -c 100000000 /dev/zero; echo done > \"$1/a.txt\"", "sh", "{out}"]
        obj = scenario(exec_op("flood", command, ["a.txt"]), runs=1)
        r, report = self.run_exec(obj, "--dump-dir", self.path("dump"))
        self.assertEqual(host_cell(report, "flood", "a.txt")["status"], "ok")
        log = self.path("dump/flood/host/base/run-1/stdout.txt")
        self.assertLess(os.path.getsize(log), 65 * 2**20)
        with open(log, "rb") as f:
            f.seek(-200, os.SEEK_END)
            self.assertIn(b"the program wrote 100000000 bytes in all", f.read())


class Policy(ExecTestCase):
    def test_no_exec_refuses_run_and_validate(self):
        path = self.scenario("s.json", scenario(exec_op("p", ["true"], ["a"])))
        json_path = self.path("r.json")
        for command in (["run", path, "--no-exec", "--json", json_path], ["validate", "--no-exec", path]):
            r = self.detaudit(*command)
            self.assertOneErrorLine(r, [": /operations/0: exec operation \"p\" would run an external program, "
                                        "refused by --no-exec"])
        self.assertFalse(os.path.exists(json_path))

    def test_no_exec_accepts_scenarios_without_exec(self):
        self.detaudit("validate", "--no-exec", os.path.join("scenarios", "quickstart.json"), expect_rc=cc.EXIT_OK)

    def test_run_directories_are_removed_or_kept(self):
        tmp = self.path("tmp")
        os.makedirs(tmp)
        obj = scenario(exec_op("p", ["sh", "-c", "echo x > \"$1/a.txt\"", "sh", "{out}"], ["a.txt"]), runs=2)
        path = self.scenario("s.json", obj)
        env = cc.clean_env(TMPDIR=tmp)
        r = cc.run(["run", path, "-q"], env=env)
        self.assertEqual(r.rc, cc.EXIT_OK, r)
        self.assertEqual(os.listdir(tmp), [], "run directories are removed without --keep-runs")
        r = cc.run(["run", path, "-q", "--keep-runs"], env=env)
        self.assertEqual(r.rc, cc.EXIT_OK, r)
        kept = glob.glob(os.path.join(tmp, "detaudit-runs-*"))
        self.assertEqual(len(kept), 1)
        self.assertIn(f"detaudit: exec run directories kept in {kept[0]}", r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(kept[0], "p", "host", "base", "run-2", "out", "a.txt")))

    def test_sigterm_stops_detaudit_and_the_program(self):
        import signal
        import subprocess
        pids = self.path("pid")
        obj = scenario(exec_op("p", ["sh", "-c", f"echo $$ > {pids}; exec sleep 60"], ["a"]), runs=1)
        path = self.scenario("s.json", obj)
        p = subprocess.Popen([cc.BINARY, "run", path, "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=cc.clean_env(), cwd=cc.SOURCE_DIR)
        deadline = time.monotonic() + 30
        while not (os.path.exists(pids) and open(pids).read().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        program = int(open(pids).read())
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, cc.EXIT_INTERRUPTED, err)
        self.assertIn("interrupted", err)
        time.sleep(0.2)
        with self.assertRaises(ProcessLookupError, msg="the program is killed with detaudit's clean stop"):
            os.kill(program, 0)

    def test_backend_filter_can_skip_exec(self):
        obj = scenario(exec_op("p", ["true"], ["a"]),
                       {"id": "s", "op": "reduce", "algorithm": "sequential", "n": 16}, backends=["cpu", "host"])
        r, report = self.run_exec(obj, "--backend", "cpu")
        self.assertEqual([o["id"] for o in report["operations"]], ["p", "s"])
        self.assertEqual(report["operations"][0]["cells"], [])


if __name__ == "__main__":
    cc.main()
