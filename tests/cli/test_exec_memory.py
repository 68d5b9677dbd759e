"""Bounded memory for exec outputs (docs/performance.md, "Memory"): detaudit auditing a program
that writes a 1 GiB .npy, in two runs under two variants, peaks at most 128 MiB above the same
audit of a 4 KiB output; so does a 256 MiB member of an .npz archive (streamed out of the archive). The program writes its file a MiB at a time (its own peak is small), and
the peak is the whole process tree's, read with wait4 as the kernel keeps it (VmHWM)."""
import os
import struct
import subprocess
import sys
import time

import cli_common
from cli_common import CliTestCase

PY = sys.executable
MIB = 1 << 20

# Writes a float32 .npy of `elements` to {out}/big.npy a MiB at a time; run 2 changes three
# elements (one early, two late), so the streamed comparison has differences in far-apart pieces.
WRITER = r'''
import os, struct, sys
out, run, elements = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % elements
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
piece = struct.pack("<%df" % (1 << 18), *([1.5] * (1 << 18)))
changed = {1000, elements // 2 + 7, elements - 3} if run == 2 else set()
with open(os.path.join(out, "big.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    done = 0
    while done < elements:
        n = min(1 << 18, elements - done)
        data = bytearray(piece[: 4 * n])
        for i in changed:
            if done <= i < done + n:
                data[4 * (i - done) : 4 * (i - done) + 4] = struct.pack("<f", 1.5000001)
        f.write(data)
        done += n
'''

# The same as an .npz archive ({out}/big.npz, one stored member "y.npy"), written a MiB at a time;
# run 2 changes element 5.
NPZ_WRITER = r'''
import os, struct, sys, zipfile
out, run, elements = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % elements
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
piece = struct.pack("<%df" % (1 << 18), *([2.5] * (1 << 18)))
with zipfile.ZipFile(os.path.join(out, "big.npz"), "w", zipfile.ZIP_STORED) as archive:
    with archive.open("y.npy", "w", force_zip64=True) as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        done = 0
        while done < elements:
            n = min(1 << 18, elements - done)
            data = bytearray(piece[: 4 * n])
            if run == 2 and done == 0:
                data[20:24] = struct.pack("<f", 2.5000002)
            f.write(data)
            done += n
'''


class ExecMemoryTest(CliTestCase):
    def audit(self, name, elements, program=WRITER, output="big.npy", variants=(None, "x")):
        writer = self.path(name + "-writer.py")
        with open(writer, "w") as f:
            f.write(program)
        scenario = self.scenario(name, {
            "detaudit": 1, "name": name, "runs": 2,
            "vary": {"env.WRITER_MODE": list(variants)},
            "operations": [{"id": "big", "op": "exec",
                            "command": [PY, writer, "{out}", "{run}", str(elements)],
                            "outputs": [output], "expect": {"run_to_run": "any"}}]})
        report = self.path(name + ".json")
        env = cli_common.clean_env(TMPDIR=self.path(""))
        start = time.monotonic()
        p = subprocess.Popen([cli_common.BINARY, "run", scenario, "--json", report, "--dump-dir",
                              self.path(name + "-dumps")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cli_common.SOURCE_DIR)
        # wait4 on this one child: its peak RSS (the kernel's maxrss: the larger of its own and of
        # the children it waited for, i.e. the writer program).
        _, status, usage = os.wait4(p.pid, 0)
        stdout, stderr = p.stdout.read().decode(), p.stderr.read().decode()
        rc = os.waitstatus_to_exitcode(status)
        self.assertEqual(rc, cli_common.EXIT_OK, f"exit {rc}\n{stdout[-3000:]}\n{stderr[-3000:]}")
        return usage.ru_maxrss / 1024, cli_common.load_json(report), time.monotonic() - start

    def audit_within_128_mib(self, name, elements, what, **kw):
        """The audit of `elements` f32 against the same of 1,024: peak RSS at most 128 MiB above.
        Returns the big audit's report and its base cell."""
        small_mib, _, _ = self.audit(name + "-small", 1024, **kw)
        big_mib, report, seconds = self.audit(name, elements, **kw)
        print(f"peak RSS: {small_mib:.0f} MiB with a 4 KiB {what}, {big_mib:.0f} MiB with a "
              f"{4 * elements >> 20} MiB one ({seconds:.1f} s)", file=sys.stderr)
        self.assertLessEqual(big_mib - small_mib, 128, f"peak {big_mib:.0f} MiB vs {small_mib:.0f} MiB for a 4 KiB {what}")
        entry = next(o for o in report["operations"] if o["id"] == "big")
        return report, next(c for c in entry["cells"] if c["variant"] == "base")

    def test_a_1_gib_output_does_not_grow_memory(self):
        elements = (1 << 30) // 4
        report, base = self.audit_within_128_mib("big", elements, "output")
        # The streamed comparison saw what the program did: run 2 differs in exactly three elements.
        entry = next(o for o in report["operations"] if o["id"] == "big")
        rr = base["run_to_run"]
        self.assertEqual(rr["differing_runs"], 1)
        self.assertEqual(rr["diff"]["differing_elements"], 3)
        self.assertEqual(rr["diff"]["first_difference"]["index"], 1000)
        self.assertEqual(base["output"], {"dtype": "f32", "shape": [elements]})
        # Each variant's first differing run is dumped: a real .npy of the whole output, streamed
        # from its spool file (header 128 bytes, then the elements).
        dumped = sorted(os.path.relpath(os.path.join(d, f), self.path("big-dumps"))
                        for d, _, fs in os.walk(self.path("big-dumps")) for f in fs if f.startswith("run-2"))
        self.assertEqual(dumped, ["big/host/base/big.npy/run-2.npy", "big/host/env.WRITER_MODE=x/big.npy/run-2.npy"])
        for name in dumped:
            path = os.path.join(self.path("big-dumps"), name)
            self.assertEqual(os.path.getsize(path), 128 + 4 * elements)
            with open(path, "rb") as f:
                self.assertEqual(f.read(6), b"\x93NUMPY")
                f.seek(128 + 4 * 1000)
                self.assertEqual(f.read(4), struct.pack("<f", 1.5000001))
        # Across variants: both variants' run 1 are identical (the environment changes nothing).
        self.assertTrue(all(c["diff"]["identical"] for c in entry["across_variants"]))
        # No spool file is left anywhere under the scratch directory once detaudit has exited.
        left = [f for d, _, fs in os.walk(self.path("")) for f in fs if f.startswith("spool-")]
        self.assertEqual(left, [])

    def test_a_256_mib_npz_member_does_not_grow_memory(self):
        # Held whole, the member alone would be 256 MiB (twice: run 1's reference and run 2).
        elements = (256 << 20) // 4
        _, base = self.audit_within_128_mib("npz-big", elements, ".npz member", program=NPZ_WRITER,
                                            output="big.npz", variants=(None,))
        self.assertEqual(base["output"], {"dtype": "f32", "shape": [elements]})
        self.assertEqual(base["run_to_run"]["diff"]["differing_elements"], 1)
        self.assertEqual(base["run_to_run"]["diff"]["first_difference"]["index"], 5)


if __name__ == "__main__":
    cli_common.main()
