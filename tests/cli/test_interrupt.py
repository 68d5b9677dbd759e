#!/usr/bin/python3
"""SIGINT during a run: exit 130 and complete reports marked "interrupted": true (DESIGN §7)."""
import os
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import cli_common as cc

RUNS = 100000  # far more than can finish: at 1-10 ms a run this takes minutes


def sigint_handled(pid):
    """True once the process catches SIGINT (Linux: SigCgt in /proc/PID/status); None if unknown."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    except OSError:
        return None
    return None


class Interrupt(cc.CliTestCase):
    def start(self, *extra):
        path = self.scenario("long.json", {"detaudit": 1, "runs": RUNS, "operations": [
            {"id": "long", "op": "reduce", "algorithm": "sequential", "n": 1 << 22},
            {"id": "never-reached", "op": "reduce", "algorithm": "sequential", "n": 1024}]})
        # The dumped input appears once it is generated, just before the first run.
        dumps = self.path("dumps")
        self.ready = lambda: os.path.exists(os.path.join(dumps, "long", "inputs", "x.npy"))
        args = [cc.BINARY, "run", path, "--dump-dir", dumps, *extra]
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=cc.clean_env(), cwd=cc.SOURCE_DIR)

    def wait_until_running(self, p, ready=None):
        """Until the SIGINT handler is installed (from main's start) and `ready()` says the runs
        have started, then one more second so some runs complete. Without /proc, just wait."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and p.poll() is None:
            handled = sigint_handled(p.pid)
            if handled is None:
                time.sleep(2)
                break
            if handled and (ready is None or ready()):
                break
            time.sleep(0.05)
        self.assertIsNone(p.poll(), "the run ended before it could be interrupted")
        time.sleep(1.0)

    def interrupt(self, p, within_s, ready=None):
        """One SIGINT once the audit runs; the process must end within `within_s` seconds."""
        self.wait_until_running(p, ready)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertLess(time.monotonic() - sent, within_s, "the run stops promptly")
        return out, err

    def test_sigint_writes_complete_reports(self):
        json_path, junit_path = self.path("report.json"), self.path("report.xml")
        p = self.start("--json", json_path, "--junit", junit_path)
        out, err = self.interrupt(p, within_s=30, ready=self.ready)
        self.assertEqual(p.returncode, cc.EXIT_INTERRUPTED, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertIn("interrupted", err)
        self.assertIn("long", out, "the console report of the runs completed is printed")
        self.assertSchemaValid(json_path)
        report = cc.load_json(json_path)
        self.assertIs(report["interrupted"], True)
        self.assertEqual(report["summary"]["exit_code"], cc.EXIT_INTERRUPTED)
        self.assertReportConsistent(report, rc=cc.EXIT_INTERRUPTED)
        self.assertNotIn("never-reached", [op["id"] for op in report["operations"]],
                         "no operation starts after the interrupt")
        c = cc.cell(report, "long")
        self.assertEqual(c["status"], "ok")
        self.assertGreaterEqual(c["runs"], 1)
        self.assertLess(c["runs"], RUNS, "the cell stopped early")
        self.assertEqual(len(c["digests"]), c["runs"])
        cc.CliTestCase.assertJunitMatches(self, junit_path, report)
        self.assertEqual(ET.parse(junit_path).getroot().tag, "testsuites")
        leftovers = [f for f in os.listdir(self.tmp) if ".tmp." in f]
        self.assertEqual(leftovers, [], "no temporary files left behind")

    def test_sigint_stops_an_exec_program(self):
        tmp = self.path("tmp")
        os.makedirs(tmp)
        path = self.scenario("exec.json", {"detaudit": 1, "runs": RUNS, "operations": [
            {"id": "prog", "op": "exec", "outputs": ["a.txt"],
             "command": ["sh", "-c", "echo x > \"$1/a.txt\"; sleep 0.3", "sh", "{out}"]}]})
        json_path = self.path("exec-report.json")
        p = subprocess.Popen([cc.BINARY, "run", path, "--json", json_path, "--quiet"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=cc.clean_env(TMPDIR=tmp), cwd=cc.SOURCE_DIR)
        out, err = self.interrupt(p, within_s=10, ready=lambda: os.listdir(tmp) != [])  # killed, not waited for
        self.assertEqual(p.returncode, cc.EXIT_INTERRUPTED, f"stdout:\n{out}\nstderr:\n{err}")
        report = cc.load_json(json_path)
        self.assertSchemaValid(json_path)
        self.assertIs(report["interrupted"], True)
        c = report["operations"][0]["cells"][0]
        # A run cut short by Ctrl-C is not the program's failure: the runs completed count.
        self.assertEqual(c["status"], "ok", c.get("reason"))
        self.assertGreaterEqual(c["runs"], 1)
        self.assertEqual(os.listdir(tmp), [], "the temporary run directories are removed")

    def test_second_sigint_ends_at_once(self):
        # The first SIGINT asks for a clean stop; the handler then restores the default, so a
        # second one ends the process (killed by SIGINT) even if it is stuck.
        p = self.start("--quiet")
        self.wait_until_running(p, self.ready)
        p.send_signal(signal.SIGINT)
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=60)
        self.assertIn(p.returncode, (cc.EXIT_INTERRUPTED, -signal.SIGINT))


def sigint_pending():
    """preexec_fn: detaudit starts with a SIGINT pending (blocked, so it waits), as if Ctrl-C came
    in its first instruction. The blocked mask and the pending signal survive exec."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    os.kill(os.getpid(), signal.SIGINT)


class EarlyAndLongInterrupts(cc.CliTestCase):
    """Issue 9, item 12: a stop signal is handled from main's first instruction, and input
    generation sees it within a chunk instead of after the whole input."""

    def test_sigint_before_the_audit_starts_writes_an_interrupted_report(self):
        path = self.scenario("s.json", {"detaudit": 1, "runs": 3, "operations": [
            {"id": "s", "op": "reduce", "algorithm": "blocked", "n": 4096}]})
        json_path, junit_path = self.path("r.json"), self.path("r.xml")
        p = subprocess.run([cc.BINARY, "run", path, "--json", json_path, "--junit", junit_path],
                           capture_output=True, text=True, env=cc.clean_env(), cwd=cc.SOURCE_DIR,
                           preexec_fn=sigint_pending, timeout=cc.DEFAULT_TIMEOUT_S)
        self.assertEqual(p.returncode, cc.EXIT_INTERRUPTED, f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        self.assertSchemaValid(json_path)
        report = cc.load_json(json_path)
        self.assertIs(report["interrupted"], True)
        self.assertReportConsistent(report, rc=cc.EXIT_INTERRUPTED)
        self.assertTrue(all(c["runs"] == 0 for op in report["operations"] for c in op["cells"]),
                        "nothing runs after the interrupt")
        self.assertJunitMatches(junit_path, report)

    def test_other_commands_end_at_once(self):
        # Only run has a clean stop; validate (and ops, env, compare) end by the signal.
        path = self.scenario("s.json", {"detaudit": 1, "operations": [
            {"id": "s", "op": "reduce", "algorithm": "blocked", "n": 16}]})
        p = subprocess.run([cc.BINARY, "validate", path], capture_output=True, text=True, env=cc.clean_env(),
                           cwd=cc.SOURCE_DIR, preexec_fn=sigint_pending, timeout=cc.DEFAULT_TIMEOUT_S)
        self.assertEqual(p.returncode, -signal.SIGINT, p.stdout + p.stderr)

    def test_sigint_during_input_generation_is_seen_promptly(self):
        # 2^27 normal floats (512 MiB) take seconds to generate; Ctrl-C took until the end.
        path = self.scenario("big.json", {"detaudit": 1, "runs": 2, "operations": [
            {"id": "big", "op": "reduce", "algorithm": "sequential", "n": 1 << 27,
             "input": {"distribution": "normal"}}]})
        json_path, dumps = self.path("r.json"), self.path("dumps")
        p = subprocess.Popen([cc.BINARY, "run", path, "--json", json_path, "--dump-dir", dumps, "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cc.clean_env(),
                             cwd=cc.SOURCE_DIR)
        Interrupt.wait_until_running(self, p)  # handler installed + 1 s: generating by now
        time.sleep(0.5)
        self.assertIsNone(p.poll(), "the input was generated before it could be interrupted")
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
        self.assertLess(time.monotonic() - sent, 3.0, "input generation stops within a chunk")
        self.assertEqual(p.returncode, cc.EXIT_INTERRUPTED, f"stdout:\n{out}\nstderr:\n{err}")
        c = cc.cell(cc.load_json(json_path), "big")
        self.assertEqual((c["status"], c["runs"]), ("skipped", 0))
        self.assertIn("interrupted", c["reason"])
        self.assertFalse(os.path.exists(os.path.join(dumps, "big", "inputs")), "no incomplete input is dumped")


if __name__ == "__main__":
    cc.main()
