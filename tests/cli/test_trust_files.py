#!/usr/bin/python3
"""Reports a CI can trust (issue 9, items 7-10): a report never replaces what the user did not
ask to replace (an input, the other report, the dump directory, a device node, a FIFO, a
symbolic link); it streams to character devices, FIFOs and stdout; the report files survive a
closed stdout; JUnit is always well-formed XML with each cell's own time, and a crashed cell's
expectation never passes; inputs that are not regular files are refused, not waited on."""
import json
import os
import stat
import struct
import subprocess
import sys
import threading
import unittest

import cli_common as cc

PY = sys.executable


# stdout by name. Not /dev/stdout: a detaudit that wrongly renames over a path must not replace
# the machine's /dev/stdout when the tests run as root (a rename into /proc fails instead).
STDOUT = "/proc/self/fd/1"


def small_scenario():
    return {"detaudit": 1, "runs": 2, "operations": [
        {"id": "s", "op": "reduce", "algorithm": "blocked", "n": 4096}]}


class FifoReader:
    """Reads a FIFO to its end in a thread, so a writer that opens it does not wait forever."""

    def __init__(self, path):
        self.data, self.path = None, path
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        with open(self.path, "rb") as f:
            self.data = f.read()

    def result(self, timeout=30):
        self.thread.join(timeout)
        if self.thread.is_alive():  # unblock the thread: open the FIFO for writing once
            with open(self.path, "wb"):
                pass
            self.thread.join(5)
        return self.data


class ReportPaths(cc.CliTestCase):
    """Item 7: refused up front (exit 2, nothing written, nothing run) or written where asked."""

    def setUp(self):
        super().setUp()
        self.s = self.scenario("s.json", small_scenario())
        with open(self.s, "rb") as f:
            self.s_bytes = f.read()

    def assertScenarioUntouched(self):
        self.assertFalse(os.path.islink(self.s))
        with open(self.s, "rb") as f:
            self.assertEqual(f.read(), self.s_bytes, "the scenario file was changed")

    def test_report_over_the_scenario_is_refused(self):
        hard = self.path("hard-link.json")
        os.link(self.s, hard)
        cases = [(["--json", self.s], ["--json", "scenario"]),
                 (["--junit", self.s], ["--junit", "scenario"]),
                 (["--json", hard], ["--json", "scenario"]),          # same inode, other name
                 (["--json", os.path.join(self.tmp, ".", "s.json")], "scenario")]
        for extra, texts in cases:
            with self.subTest(args=extra):
                r = self.detaudit("run", self.s, *extra)
                self.assertOneErrorLine(r, texts)
                self.assertScenarioUntouched()

    def test_two_reports_on_one_path_are_refused(self):
        report = self.path("r")
        for extra in (["--json", report, "--junit", report],
                      ["--json", report, "--junit", self.path("./r")],
                      ["--json", "-", "--junit", STDOUT]):
            with self.subTest(args=extra):
                r = cc.run(["run", self.s, *extra], cwd=self.tmp)  # a wrong "-" lands here
                self.assertOneErrorLine(r, ["--junit", "--json"])
                self.assertFalse(os.path.exists(report))

    def test_report_on_the_dump_dir_is_refused(self):
        dump = self.path("dumps")
        r = self.detaudit("run", self.s, "--json", dump, "--dump-dir", dump)
        self.assertOneErrorLine(r, ["--json", "--dump-dir"])
        self.assertFalse(os.path.exists(dump), "refused before the dump directory is created")

    def test_empty_report_path_is_an_error(self):
        for flag in ("--json", "--junit"):
            with self.subTest(flag=flag):
                self.assertOneErrorLine(self.detaudit("run", self.s, flag, ""), [flag, "empty"])
        a = self.path("a.npy")
        with open(a, "wb") as f:
            f.write(NPY_F64_4)
        self.assertOneErrorLine(self.detaudit("compare", a, a, "--json", ""), ["--json", "empty"])

    def test_symlink_to_a_file_replaces_the_target_and_stays_a_link(self):
        target, link = self.path("real.json"), self.path("link.json")
        os.symlink("real.json", link)
        self.detaudit("run", self.s, "-q", "--json", link, expect_rc=cc.EXIT_OK)
        self.assertTrue(os.path.islink(link), "the symbolic link was replaced")
        self.assertEqual(os.readlink(link), "real.json")
        self.assertEqual(cc.load_json(target)["summary"]["exit_code"], cc.EXIT_OK)
        # and again, now that the target exists: replaced atomically, still through the link
        self.detaudit("run", self.s, "-q", "--json", link, expect_rc=cc.EXIT_OK)
        self.assertTrue(os.path.islink(link))
        self.assertSchemaValid(target)

    def test_stdout_report_streams_and_moves_the_console_to_stderr(self):
        link = self.path("to-stdout")
        os.symlink("/dev/stdout", link)  # a wrong rename replaces this link, not /dev/stdout
        for path in ("-", STDOUT, link):
            with self.subTest(path=path):
                r = cc.run(["run", self.s, "--json", path], cwd=self.tmp)  # a wrong "-" lands here
                self.assertEqual(r.rc, cc.EXIT_OK, str(r))
                report = json.loads(r.stdout)  # stdout holds the JSON report and nothing else
                self.assertEqual(report["summary"]["exit_code"], cc.EXIT_OK)
                self.assertIn("1 cell", r.stderr, "the console report went to stderr")
        self.assertTrue(os.path.islink(link), "the link to /dev/stdout was replaced")

    def test_fifo_report_is_written_through(self):
        fifo = self.path("report.fifo")
        os.mkfifo(fifo)
        reader = FifoReader(fifo)
        r = self.detaudit("run", self.s, "-q", "--junit", fifo, timeout=60)
        data = reader.result()
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file")
        self.assertIsNotNone(data)
        self.assertTrue(data.startswith(b"<?xml"), data[:100])
        cc.ET.fromstring(data)

    @unittest.skipUnless(os.geteuid() == 0, "creating a device node needs root")
    def test_character_device_is_written_through_not_replaced(self):
        null, full = self.path("null"), self.path("full")
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        r = self.detaudit("run", self.s, "-q", "--json", null)
        self.assertEqual(r.rc, cc.EXIT_OK, str(r))
        self.assertTrue(stat.S_ISCHR(os.lstat(null).st_mode), "the device node was replaced by a file")
        r = self.detaudit("run", self.s, "-q", "--json", full)
        self.assertEqual(r.rc, cc.EXIT_EXECUTION_FAILED, str(r))
        self.assertIn("No space left on device", r.stderr)
        self.assertIn("1 cell", r.stdout, "the console report is still printed")
        self.assertTrue(stat.S_ISCHR(os.lstat(full).st_mode), "the device node was replaced by a file")

    def test_report_over_a_compare_input_is_refused(self):
        a, b = self.path("a.npy"), self.path("b.npy")
        for p in (a, b):
            with open(p, "wb") as f:
                f.write(NPY_F64_4)
        for victim, name in ((a, "input A"), (b, "input B")):
            with self.subTest(victim=name):
                r = self.detaudit("compare", a, b, "--json", victim)
                self.assertOneErrorLine(r, ["--json", name])
                with open(victim, "rb") as f:
                    self.assertEqual(f.read(), NPY_F64_4, f"{name} was overwritten")


def npy_f64(values):
    """A .npy file (format 1.0) of float64 `values`, written out so these tests need no numpy."""
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }" % len(values)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() +
            struct.pack("<%dd" % len(values), *values))


NPY_F64_4 = npy_f64([0.0, 1.0, 2.0, 3.0])


class ClosedStdout(cc.CliTestCase):
    """Item 8: `detaudit run ... -v --json r.json | head -3` keeps r.json and the audit's exit code."""

    def run_into_closed_pipe(self, args):
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before detaudit writes a byte
        try:
            p = subprocess.run([cc.BINARY] + args, stdout=write_end, stderr=subprocess.PIPE,
                               env=cc.clean_env(), cwd=cc.SOURCE_DIR, timeout=cc.DEFAULT_TIMEOUT_S)
        finally:
            os.close(write_end)
        return p

    def test_reports_survive_a_closed_stdout(self):
        s = self.scenario("s.json", small_scenario())
        json_path, junit_path = self.path("r.json"), self.path("r.xml")
        p = self.run_into_closed_pipe(["run", s, "-v", "--json", json_path, "--junit", junit_path])
        self.assertEqual(p.returncode, cc.EXIT_OK, f"killed by SIGPIPE? stderr: {p.stderr!r}")
        self.assertSchemaValid(json_path)
        self.assertEqual(cc.load_json(json_path)["summary"]["exit_code"], cc.EXIT_OK)
        self.assertJunitWellFormed(junit_path)

    def test_audit_exit_code_is_kept(self):
        s = self.scenario("s.json", {"detaudit": 1, "runs": 2, "operations": [
            {"id": "never", "op": "reduce", "algorithm": "blocked", "n": 4096,
             "expect": {"run_to_run": "differs"}}]})
        json_path = self.path("r.json")
        p = self.run_into_closed_pipe(["run", s, "--json", json_path])
        self.assertEqual(p.returncode, cc.EXIT_EXPECTATION_FAILED, p.stderr)
        self.assertEqual(cc.load_json(json_path)["summary"]["exit_code"], cc.EXIT_EXPECTATION_FAILED)

    def test_compare_report_survives_a_closed_stdout(self):
        a, json_path = self.path("a.npy"), self.path("c.json")
        with open(a, "wb") as f:
            f.write(NPY_F64_4)
        p = self.run_into_closed_pipe(["compare", a, a, "--json", json_path])
        self.assertEqual(p.returncode, cc.EXIT_OK, p.stderr)
        self.assertSchemaValid(json_path, "compare.schema.json")


class JunitAlwaysXml(cc.CliTestCase):
    """Item 9: odd file names, invalid UTF-8, a tail cut mid-character and control characters all
    end up in well-formed XML; times are each cell's own; a crashed cell's expectation never passes."""

    def test_odd_names_and_stderr_are_well_formed(self):
        names = [b"\xff\xfe-not-utf8.bin", b"ctl\x01\x1b[31m.bin", b"<&\"'>.bin", "caf\u00e9.bin".encode()]
        write = ("import os, sys\n"
                 f"for n in {names!r}:\n"
                 "    open(os.path.join(os.fsencode(sys.argv[1]), n), 'wb').write(b'x')\n")
        crash = ("import sys\n"
                 "sys.stderr.buffer.write(b'boom \\x1b[31m red \\x01\\x7f \\xff\\xfe bad, cut \\xc3')\n"
                 "sys.exit(3)\n")
        path = self.scenario("odd.json", {"detaudit": 1, "name": "odd \u0001 <name>", "runs": 2, "operations": [
            {"id": "odd", "op": "exec", "command": [PY, "-c", write, "{out}"], "outputs": ["*.bin"]},
            {"id": "crash", "op": "exec", "command": [PY, "-c", crash, "{out}"], "outputs": ["x"]}]})
        # -q: the console's own escaping is not what this test is about (issue 9, item 16)
        r, report, junit = self.run_report(path, "-q", expect_rc=cc.EXIT_EXECUTION_FAILED, junit=True)
        root = self.assertJunitMatches(junit, report)
        suites = [s.get("name") for s in root.findall("testsuite")]
        self.assertIn("odd:<&\"'>.bin", suites)
        self.assertIn("odd:ctl\\x01\\x1b[31m.bin", suites, "control characters are shown escaped")
        self.assertIn("odd:\ufffd\ufffd-not-utf8.bin", suites, "bytes that are not UTF-8 become U+FFFD")
        self.assertIn("odd:caf\u00e9.bin", suites, "valid UTF-8 is kept")
        error = root.find("./testsuite[@name='crash:x']/testcase/error")
        self.assertIsNotNone(error)
        self.assertIn("boom", error.get("message"))
        self.assertIn("bad, cut", error.get("message"), "the stderr tail cut mid-character is kept")

    def test_times_are_each_cells_own(self):
        # Three outputs of one program: the program's runs are counted once, not on every suite.
        write = ("import os, sys, time\n"
                 "time.sleep(0.05)\n"
                 "for n in 'abc':\n"
                 "    open(os.path.join(sys.argv[1], n + '.bin'), 'w').write(n)\n")
        path = self.scenario("three.json", {"detaudit": 1, "runs": 3, "operations": [
            {"id": "three", "op": "exec", "command": [PY, "-c", write, "{out}"], "outputs": ["a.bin", "b.bin", "c.bin"]},
            {"id": "sum", "op": "reduce", "algorithm": "blocked", "n": 1 << 16}]})
        r, report, junit = self.run_report(path, expect_rc=cc.EXIT_OK, junit=True)
        root = self.assertJunitMatches(junit, report)
        suites = {s.get("name"): s for s in root.findall("testsuite")}
        times = {name: float(s.get("time")) for name, s in suites.items()}
        cell = cc.cell(report, "three", backend="host")
        own = cell["time"]["cold_s"] + cell["time"]["median_s"] * (cell["runs"] - 1)
        self.assertGreater(own, 0.1)
        self.assertAlmostEqual(times["three:a.bin"], own, delta=1e-5)
        self.assertEqual(times["three:b.bin"], 0.0, "the program's runs are counted on its first output only")
        self.assertEqual(times["three:c.bin"], 0.0)
        first_case = suites["three:a.bin"].find("testcase")
        self.assertAlmostEqual(float(first_case.get("time")), own, delta=1e-5)
        self.assertLessEqual(sum(times.values()), report["duration_s"] + 1e-3, "the suites add up to what ran")

    def test_crashed_cell_is_never_passed(self):
        # The variant X=1 crashes; the base ran twice and agreed with itself.
        crash = ("import os, sys\n"
                 "if os.environ.get('X'): sys.exit('crashed on purpose')\n"
                 "open(os.path.join(sys.argv[1], 'o.bin'), 'w').write('same')\n")
        path = self.scenario("crash.json", {"detaudit": 1, "runs": 2, "vary": {"env.X": [None, "1"]}, "operations": [
            {"id": "half", "op": "exec", "command": [PY, "-c", crash, "{out}"], "outputs": ["o.bin"]}]})
        r, report, junit = self.run_report(path, expect_rc=cc.EXIT_EXECUTION_FAILED, junit=True)
        root = self.assertJunitMatches(junit, report)
        run_to_run = cc.expectation(report, "half", "run_to_run", backend="host")
        self.assertTrue(run_to_run["evaluated"] and run_to_run["held"], run_to_run)
        case = root.find("./testsuite/testcase[@name='host.run_to_run']")
        error = case.find("error")
        self.assertIsNotNone(error, "the crashed cell's expectation is shown as passed")
        self.assertIn("a cell failed: host/env.X=1", error.get("message"))


class InputsNotRegular(cc.CliTestCase):
    """Item 10 for compare: a FIFO or a device is refused at once (exit 2), in a directory too."""

    def test_fifo_and_device_inputs_are_refused(self):
        a, fifo = self.path("a.npy"), self.path("b.npy")
        with open(a, "wb") as f:
            f.write(NPY_F64_4)
        os.mkfifo(fifo)
        for args, name in (([a, fifo], "input B"), ([fifo, a], "input A"), (["/dev/zero", a], "input A")):
            with self.subTest(args=args):
                r = self.detaudit("compare", *args, timeout=30)
                self.assertOneErrorLine(r, [args[0] if name == "input A" else args[1], name, "not a regular file"])

    def test_fifo_in_a_directory_is_reported(self):
        for side in ("A", "B"):
            os.makedirs(self.path(side))
            with open(os.path.join(self.path(side), "y.npy"), "wb") as f:
                f.write(NPY_F64_4)
            os.mkfifo(os.path.join(self.path(side), "x.npy"))
        r = self.detaudit("compare", self.path("A"), self.path("B"), timeout=30)
        self.assertOneErrorLine(r, ["x.npy", "FIFO"])


if __name__ == "__main__":
    cc.main()
