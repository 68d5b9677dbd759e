#!/usr/bin/python3
"""What an exec program cannot do to detaudit or to the audit: leave processes running (setsid,
daemons, a timeout), leave run directories behind when detaudit is killed, make detaudit read
outside {out}, break a concurrent audit sharing --dump-dir, or write on the terminal through its
stderr, file names or the scenario's names. Also: exit 77 skips a cell; an error shows the stderr
of the run that failed; outputs are reported in the order written."""
import fcntl
import glob
import json
import os
import signal
import subprocess
import sys
import time

import cli_common as cc
import test_exec as te

try:
    import numpy as np
except ImportError:
    np = None

PY = sys.executable


def alive(pid):
    """True while `pid` runs (a zombie is dead: it only waits for its parent)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return not f.read().rsplit(") ", 1)[1].startswith(("Z", "X"))
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_for_file(path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and open(path).read().strip():
            return open(path).read().strip()
        time.sleep(0.02)
    raise AssertionError(f"{path} was not written within {timeout} s")


class Escapes(te.ExecTestCase):
    """Nothing a program starts outlives the run that started it (detaudit is a subreaper)."""

    def tearDown(self):
        for pid in getattr(self, "pids", []):  # a failing test leaves nothing behind either
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def assertKilled(self, *pid_files):
        pids = [int(wait_for_file(f)) for f in pid_files]
        self.pids = getattr(self, "pids", []) + pids
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([pid for pid in pids if alive(pid)], [], "processes escaped detaudit and still run")

    def test_setsid_child_is_killed_when_the_program_exits(self):
        pids = self.path("pid")
        command = ["sh", "-c", f"setsid sh -c 'echo $$ > \"$0\"; exec sleep 30' {pids}-$2 & "
                               f"while [ ! -s {pids}-$2 ]; do sleep 0.01; done; echo x > \"$1/a.txt\"",
                   "sh", "{out}", "{run}"]
        start = time.monotonic()
        r, report = self.run_exec(te.scenario(te.exec_op("p", command, ["a.txt"]), runs=2))
        self.assertLess(time.monotonic() - start, 20)
        self.assertEqual(te.host_cell(report, "p", "a.txt")["status"], "ok")
        self.assertKilled(f"{pids}-1", f"{pids}-2")

    def test_double_forking_daemon_is_killed(self):
        pids = self.path("pid")
        code = ("import os, sys, time\n"
                "if os.fork() == 0:\n"
                "    os.setsid()\n"
                "    if os.fork() == 0:\n"
                "        open(sys.argv[2], 'w').write(str(os.getpid()))\n"
                "        os.close(1); os.close(2)\n"
                "        time.sleep(30)\n"
                "    os._exit(0)\n"
                "os.wait()\n"
                "while not os.path.exists(sys.argv[2]): time.sleep(0.01)\n"
                "open(os.path.join(sys.argv[1], 'a.txt'), 'w').write('x')\n")
        r, report = self.run_exec(te.scenario(te.exec_op("p", [PY, "-c", code, "{out}", pids], ["a.txt"]), runs=1))
        self.assertEqual(te.host_cell(report, "p", "a.txt")["status"], "ok")
        self.assertKilled(pids)

    def test_setsid_child_is_killed_on_timeout(self):
        pids = self.path("pid")
        command = ["sh", "-c", f"setsid sh -c 'echo $$ > {pids}; exec sleep 30' & sleep 60"]
        obj = te.scenario(te.exec_op("p", command, ["a.txt"], timeout_s=1), runs=1)
        start = time.monotonic()
        r, report = self.run_exec(obj, expect_rc=cc.EXIT_EXECUTION_FAILED)
        self.assertLess(time.monotonic() - start, 20)
        self.assertIn("timed out after 1 s", te.host_cell(report, "p", "a.txt")["reason"])
        self.assertKilled(pids)


class AbandonedRunDirectories(te.ExecTestCase):
    def test_the_next_run_removes_what_a_killed_detaudit_left(self):
        tmp = self.path("tmp")
        os.makedirs(tmp)
        env = cc.clean_env(TMPDIR=tmp)
        pid_file = self.path("program-pid")
        slow = self.scenario("slow.json", te.scenario(te.exec_op(
            "p", ["sh", "-c", f"echo $$ > {pid_file}; exec sleep 60"], ["a"]), runs=1))
        p = subprocess.Popen([cc.BINARY, "run", slow, "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env, cwd=cc.SOURCE_DIR)
        program = int(wait_for_file(pid_file))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        os.kill(program, signal.SIGKILL)  # detaudit had no chance to: it was SIGKILLed
        stale = glob.glob(os.path.join(tmp, "detaudit-runs-*"))
        self.assertEqual(len(stale), 1, stale)

        # Left alone: a directory without an owner file (kept, or not ours), one whose owner
        # still runs (the lock is held here), and a file of the same name.
        foreign = os.path.join(tmp, "detaudit-runs-nolock")
        os.makedirs(os.path.join(foreign, "p"))
        held = os.path.join(tmp, "detaudit-runs-inuse1")
        os.makedirs(held)
        lock = open(os.path.join(held, ".detaudit-owner"), "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(os.path.join(tmp, "detaudit-runs-afile"), "w") as f:
            f.write("x")

        quick = self.scenario("quick.json", te.scenario(te.exec_op(
            "p", ["sh", "-c", "echo x > \"$1/a.txt\"", "sh", "{out}"], ["a.txt"]), runs=1))
        r = cc.run(["run", quick, "-q", "--keep-runs"], env=env)
        self.assertEqual(r.rc, cc.EXIT_OK, r)
        kept = r.stderr.split("exec run directories kept in ")[1].split()[0]
        left = sorted(os.listdir(tmp))
        self.assertNotIn(os.path.basename(stale[0]), left, "the killed audit's directory is removed")
        self.assertEqual(left, sorted(["detaudit-runs-nolock", "detaudit-runs-inuse1", "detaudit-runs-afile",
                                       os.path.basename(kept)]))
        # What --keep-runs kept is the user's now: a later audit does not remove it.
        r = cc.run(["run", quick, "-q"], env=env)
        self.assertEqual(r.rc, cc.EXIT_OK, r)
        self.assertIn(os.path.basename(kept), os.listdir(tmp))
        lock.close()


class OutStaysOut(te.ExecTestCase):
    def test_out_replaced_by_a_link_to_etc_is_not_read(self):
        command = ["sh", "-c", "rm -rf \"$1\" && ln -s /etc \"$1\"", "sh", "{out}"]
        r, report = self.run_exec(te.scenario(te.exec_op("p", command, ["passwd", "*.conf"])),
                                  expect_rc=cc.EXIT_EXECUTION_FAILED)
        for name in ("passwd", "*.conf"):
            c = te.host_cell(report, "p", name)
            self.assertEqual(c["status"], "error")
            self.assertEqual(c["reason"], "run 1: {out} was replaced by a symbolic link (to /etc) while sh ran "
                                          "(write into {out}; do not remove or replace it): its outputs are not read")
            self.assertEqual((c["runs"], c["digests"]), (0, []))
        self.assertNotIn("root:", json.dumps(report))

    def test_out_replaced_by_another_directory_is_not_read(self):
        command = ["sh", "-c", "mv \"$1\" \"$1.old\" && mkdir \"$1\" && echo x > \"$1/a.txt\"", "sh", "{out}"]
        r, report = self.run_exec(te.scenario(te.exec_op("p", command, ["a.txt"])), expect_rc=cc.EXIT_EXECUTION_FAILED)
        self.assertIn("{out} was replaced by another directory", te.host_cell(report, "p", "a.txt")["reason"])

    def test_links_inside_out_are_refused_too(self):
        code = ("import os, sys\n"
                "open(os.path.join(sys.argv[1], 'real.txt'), 'w').write('x')\n"
                "os.symlink('real.txt', os.path.join(sys.argv[1], 'alias.txt'))\n"
                "os.mkfifo(os.path.join(sys.argv[1], 'pipe.txt'))\n")
        r, report = self.run_exec(te.scenario(te.exec_op("p", te.python(code), ["*.txt"])),
                                  expect_rc=cc.EXIT_EXECUTION_FAILED)
        self.assertEqual(te.host_cell(report, "p", "real.txt")["status"], "ok")
        self.assertEqual(te.host_cell(report, "p", "alias.txt")["reason"],
                         "run 1: output alias.txt: alias.txt is a symbolic link (to real.txt): refused, outputs are "
                         "read only beneath {out} and never through a link")
        # A FIFO is refused at once, not waited on.
        self.assertEqual(te.host_cell(report, "p", "pipe.txt")["reason"], "run 1: output pipe.txt: not a regular file")


class SharedDumpDir(te.ExecTestCase):
    def test_eight_concurrent_audits_never_break_each_other(self):
        dump = self.path("dump")
        command = ["sh", "-c", "sleep 0.3; echo same > \"$1/a.txt\"", "sh", "{out}"]
        path = self.scenario("s.json", te.scenario(te.exec_op("p", command, ["a.txt"]), runs=3))
        procs = [subprocess.Popen([cc.BINARY, "run", path, "--dump-dir", dump, "--json", self.path(f"r{i}.json")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cc.clean_env(),
                                  cwd=cc.SOURCE_DIR) for i in range(8)]
        results = [(p, *p.communicate(timeout=120)) for p in procs]
        codes = [p.returncode for p, _, _ in results]
        self.assertIn(cc.EXIT_OK, codes)
        for i, (p, out, err) in enumerate(results):
            if p.returncode == cc.EXIT_OK:
                c = te.host_cell(cc.load_json(self.path(f"r{i}.json")), "p", "a.txt")
                self.assertEqual((c["status"], c["runs"], c["distinct_outputs"]), ("ok", 3, 1))
            else:
                # Refused up front, in one line, with nothing written: never blamed on the program.
                self.assertEqual(p.returncode, cc.EXIT_BAD_INPUT, err)
                self.assertEqual(out, "")
                self.assertRegex(err, r"^detaudit: --dump-dir .*: another detaudit( \(pid \d+\))? is running operation "
                                      r"\"p\" into it now; give each concurrent audit its own --dump-dir\n$")
                self.assertFalse(os.path.exists(self.path(f"r{i}.json")))

    def test_concurrent_audits_of_different_operations_share_a_dump_dir(self):
        dump = self.path("dump")
        procs = []
        for name in ("a", "b"):
            command = ["sh", "-c", "sleep 0.5; echo same > \"$1/a.txt\"", "sh", "{out}"]
            path = self.scenario(f"{name}.json", te.scenario(te.exec_op(name, command, ["a.txt"]), runs=2))
            procs.append(subprocess.Popen([cc.BINARY, "run", path, "--dump-dir", dump, "-q"], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, env=cc.clean_env(), cwd=cc.SOURCE_DIR))
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, cc.EXIT_OK, err)


class Terminal(te.ExecTestCase):
    def test_escape_sequences_are_shown_escaped(self):
        evil = "\x1b]0;pwned\x07\x1b[2J"
        command = ["sh", "-c", "printf x > \"$1/$(printf 'f\\033[1m').txt\"; "
                               "printf 'boom\\033[31m red\\n\\033]0;title\\007\\n' >&2; exit 1", "sh", "{out}"]
        obj = te.scenario(te.exec_op("p", command, ["*.txt"]), name="s" + evil, vary={"env.X": ["a", "b" + evil]})
        path = self.scenario("s.json", obj)
        for extra in ([], ["-v"]):
            r = self.detaudit("run", path, "--color", "never", *extra, expect_rc=cc.EXIT_EXECUTION_FAILED)
            self.assertNotIn("\x1b", r.stdout)
            self.assertNotIn("\x07", r.stdout)
            self.assertIn("scenario s\\x1b]0;pwned\\x07\\x1b[2J", r.stdout)
            self.assertIn("env.X=b\\x1b]0;pwned", r.stdout)
            self.assertIn("stderr ends: \\x1b]0;title\\x07", r.stdout)
            self.assertIn("| boom\\x1b[31m red", r.stdout)
        # The JSON keeps the text as it was.
        r, report, _ = self.run_report(path, expect_rc=cc.EXIT_EXECUTION_FAILED)
        self.assertEqual(report["scenario"]["name"], "s" + evil)

    def test_file_names_with_escapes_are_shown_escaped(self):
        command = ["sh", "-c", "printf x > \"$1/$(printf 'f\\033[1m').txt\"", "sh", "{out}"]
        # (JUnit cannot hold an ESC at all: what it writes instead is the JUnit reporter's business.)
        path = self.scenario("s.json", te.scenario(te.exec_op("p", command, ["*.txt"])))
        r, report, _ = self.run_report(path, "--color", "never", expect_rc=cc.EXIT_OK)
        self.assertEqual([o["output"] for o in report["operations"]], ["f\x1b[1m.txt"])
        self.assertIn("p:f\\x1b[1m.txt", r.stdout)
        self.assertNotIn("\x1b", r.stdout)

    def test_a_reason_is_not_cut_at_a_nul_byte(self):
        command = ["sh", "-c", "printf 'before\\000after\\n' >&2; exit 1"]
        r, report = self.run_exec(te.scenario(te.exec_op("p", command, ["a.txt"])), expect_rc=cc.EXIT_EXECUTION_FAILED)
        reason = te.host_cell(report, "p", "a.txt")["reason"]
        self.assertEqual(reason, "run 1: sh exited with status 1; stderr ends: before\\x00after")
        self.assertIn("before\\x00after", r.stdout)


class Skip(te.ExecTestCase):
    def test_exit_77_skips_the_cell_with_the_last_stderr_line(self):
        command = ["sh", "-c", "echo 'checking devices' >&2; echo 'no CUDA device' >&2; echo >&2; exit 77"]
        good = te.exec_op("good", ["sh", "-c", "echo ok > \"$1/a.txt\"", "sh", "{out}"], ["a.txt"])
        obj = te.scenario(te.exec_op("gpu", command, ["a.npy", "logits/*.npy"]), good, vary={"env.X": ["1", "2"]})
        r, report = self.run_exec(obj)
        self.assertEqual(r.rc, cc.EXIT_OK)
        for output in ("a.npy", "logits/*.npy"):
            for variant in ("base", "env.X=2"):
                c = te.host_cell(report, "gpu", output, variant)
                self.assertEqual((c["status"], c["reason"], c["runs"]), ("skipped", "no CUDA device", 0))
        self.assertEqual(te.host_cell(report, "good", "a.txt")["status"], "ok")
        self.assertEqual(report["summary"]["cells_skipped"], 4)
        e = cc.expectation(report, "gpu", "run_to_run", backend="host")
        self.assertFalse(e["evaluated"])
        self.assertIn("no CUDA device", e["detail"])
        self.assertIn("Skipped\n  host: 4 cells: no CUDA device", r.stdout)

    def test_exit_77_without_a_reason(self):
        r, report = self.run_exec(te.scenario(te.exec_op("gpu", ["sh", "-c", "exit 77"], ["a.npy"])))
        self.assertEqual(te.host_cell(report, "gpu", "a.npy")["reason"],
                         "sh exited with status 77 (skip) and gave no reason on stderr")

    def test_exit_77_after_a_run_succeeded_is_an_error(self):
        command = ["sh", "-c", "[ \"$2\" = 1 ] || { echo 'no device now' >&2; exit 77; }; echo x > \"$1/a.txt\"",
                   "sh", "{out}", "{run}"]
        r, report = self.run_exec(te.scenario(te.exec_op("p", command, ["a.txt"])), expect_rc=cc.EXIT_EXECUTION_FAILED)
        c = te.host_cell(report, "p", "a.txt")
        self.assertEqual(c["status"], "error")
        self.assertEqual(c["reason"], "run 2: sh exited with status 77 (skip) after run 1 ran: a program that skips "
                                      "must skip from its first run; stderr ends: no device now")


@cc.unittest.skipIf(np is None, "numpy is not installed for this python")
class Reporting(te.ExecTestCase):
    def test_an_error_shows_the_stderr_of_the_run_that_failed(self):
        code = ("import numpy as np, os, sys\n"
                "out, run = sys.argv[1], int(sys.argv[2])\n"
                "np.save(os.path.join(out, 'a.npy'), np.zeros(2))\n"
                "if run == 2:\n"
                "    sys.stderr.write('Traceback of run 2\\nValueError: boom in run 2\\n')\n"
                "    sys.exit(1)\n")
        r, report = self.run_exec(te.scenario(te.exec_op("p", [PY, "-c", code, "{out}", "{run}"], ["a.npy", "b.npy"])),
                                  expect_rc=cc.EXIT_EXECUTION_FAILED)
        a, b = te.host_cell(report, "p", "a.npy"), te.host_cell(report, "p", "b.npy")
        self.assertEqual(b["reason"], "run 1 wrote no file named b.npy in {out}")
        self.assertNotIn("error_detail", b)
        self.assertTrue(a["reason"].startswith("run 2: "), a["reason"])
        self.assertIn("boom in run 2", a["error_detail"])
        errors = r.stdout.split("Errors\n")[1]
        self.assertEqual(errors.count("boom in run 2"), 2, errors)  # the reason's last line and the detail
        b_line = next(line for line in errors.splitlines() if "b.npy" in line)
        following = errors.split(b_line + "\n")[1].splitlines()
        self.assertFalse(following and following[0].startswith("      |"), "no stderr under run 1's message")

    def test_rows_follow_the_outputs_as_written(self):
        code = ("import numpy as np, os, sys\n"
                "out = sys.argv[1]\n"
                "os.makedirs(os.path.join(out, 'layers'))\n"
                "for name in ('z.npy', 'a.npy', 'layers/b1.npy', 'layers/a0.npy'):\n"
                "    np.save(os.path.join(out, name), np.zeros(2))\n"
                "np.savez(os.path.join(out, 'state.npz'), w2=np.ones(1), w1=np.ones(1), a=np.ones(1))\n")
        obj = te.scenario(te.exec_op("p", te.python(code), ["z.npy", "state.npz", "layers/*.npy", "a.npy"]))
        r, report = self.run_exec(obj)
        self.assertEqual([o["output"] for o in report["operations"]],
                         ["z.npy", "state.npz:w2", "state.npz:w1", "state.npz:a", "layers/a0.npy", "layers/b1.npy",
                          "a.npy"])
        rows = [line.split()[0] for line in r.stdout.splitlines() if line.startswith("p:")]
        self.assertEqual(rows, ["p:" + o["output"] for o in report["operations"]])


if __name__ == "__main__":
    cc.main()
