#!/usr/bin/python3
"""The relocatable GPU bundle (scripts/bundle.sh) and its one command (run-gpu-checks.sh), on a
machine without a GPU, as CI runs it (registered only in CUDA builds with the benchmarks):

    python3 test_bundle.py SOURCE_DIR BUILD_DIR SCRATCH_DIR [unittest arguments...]

The bundle is built from BUILD_DIR, unpacked into a fresh directory and used from there only:
every library its programs load that is not glibc or CUDA must come from inside it, and
run-gpu-checks.sh must report "no device" with the driver's reason, skip the GPU steps (exit 77)
and still run the scenarios' CPU cells."""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import unittest

SOURCE_DIR = BUILD_DIR = SCRATCH_DIR = None
MAX_ARCHIVE_BYTES = 48 * 1024 * 1024
PROGRAMS = ("detaudit", "detaudit_gpu_tests", "bench_cuda")
PLUGIN = os.path.join("lib", "detaudit", "libdetaudit_cuda.so")  # the CUDA plugin detaudit dlopens
# Sonames that must come from the machine (glibc; the CUDA driver and toolkit): the same list as
# bundle.sh's, written out again so that a mistake in one is caught by the other.
SYSTEM = re.compile(r"^(linux-vdso|ld-linux[-\w]*|libc|libm|libmvec|libpthread|libdl|librt|libresolv|"
                    r"libutil|libanl|libnsl|libBrokenLocale|libthread_db|libc_malloc_debug|"
                    r"libcuda|libnvidia-[\w-]+|libcudart|libcublas|libcublasLt|libcurand|libnvrtc[\w-]*|"
                    r"libnvJitLink|libcufft\w*|libcusparse\w*|libcusolver\w*|libnvToolsExt|libnvtx3\w*)\.so(\.|$)")


def read(path):
    with open(path) as f:
        return f.read()


def run(args, timeout=300, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


class Bundle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        archive = os.path.join(SCRATCH_DIR, "detaudit-gpu-bundle.tar.gz")
        cls.built = run(["bash", os.path.join(SOURCE_DIR, "scripts", "bundle.sh"), BUILD_DIR, archive])
        if cls.built.returncode != 0:
            raise AssertionError(f"bundle.sh failed ({cls.built.returncode}):\n{cls.built.stdout}\n{cls.built.stderr}")
        cls.archive = archive
        # A fresh directory far from the build tree: nothing may point back into it.
        unpack = os.path.join(SCRATCH_DIR, "elsewhere")
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            tar.extractall(unpack)
        cls.names = names
        cls.root = os.path.join(unpack, "detaudit-gpu-bundle")
        cls.out = os.path.join(SCRATCH_DIR, "outdir")
        # python3 on PATH: Debian's (PyTorch 1.13 without CUDA) if present, so that the PyTorch step
        # meets a real torch that has no CUDA.
        env = dict(os.environ, PATH="/usr/bin:" + os.environ.get("PATH", ""))
        env.pop("LD_LIBRARY_PATH", None)
        cls.checks = run([os.path.join(cls.root, "run-gpu-checks.sh"), cls.out], env=env, cwd=SCRATCH_DIR)

    def skip_if_gpu(self):
        """The checks below are the no-device case (CI); with a GPU the checks ran for real."""
        device_log = os.path.join(self.out, "device.log")
        if os.path.isfile(device_log) and re.search(r"^  cuda:\n    available: true", read(device_log), re.M):
            self.skipTest("a usable GPU is present: run-gpu-checks.sh ran the real checks (see its OUTDIR)")

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def test_archive_size_and_layout(self):
        self.assertLess(os.path.getsize(self.archive), MAX_ARCHIVE_BYTES, self.built.stdout)
        self.assertIn("MiB", self.built.stdout)
        for name in PROGRAMS:
            self.assertTrue(os.access(self.path("bin", name), os.X_OK), name)
        for rel in (PLUGIN, "run-gpu-checks.sh", "README.md", "MANIFEST.txt", "build-env.json",
                    "scenarios/gpu.json", "scenarios/reductions.json", "scenarios/pytorch-gpu.json",
                    "scenarios/programs/pytorch_gpu.py", "scenarios/programs/threads_and_hashes.py"):
            self.assertTrue(os.path.isfile(self.path(rel)), rel)
        self.assertTrue(all(n.startswith("detaudit-gpu-bundle") for n in self.names), "one top folder")
        libs = os.listdir(self.path("lib"))
        for expected in ("libopenblas.so.0", "libgfortran.so.5", "libgomp.so.1", "libfmt.so.9",
                         "libzip.so.4", "libxxhash.so.0", "libstdc++.so.6"):
            self.assertIn(expected, libs)
        self.assertFalse([name for name in libs if SYSTEM.match(name)], "no glibc or CUDA library is bundled")

    def test_rpath_is_origin_relative(self):
        for name in PROGRAMS:
            dynamic = run(["readelf", "-d", self.path("bin", name)]).stdout
            rpaths = re.findall(r"\((RPATH|RUNPATH)\)\s+Library r\w*path: \[(.*)\]", dynamic)
            # DT_RPATH (inherited by the dependencies' lookups), exactly the bundle's lib/.
            self.assertEqual(rpaths, [("RPATH", "$ORIGIN/../lib")], f"{name}:\n{dynamic}")
        dynamic = run(["readelf", "-d", self.path(PLUGIN)]).stdout
        rpaths = re.findall(r"\((RPATH|RUNPATH)\)\s+Library r\w*path: \[(.*)\]", dynamic)
        self.assertEqual(rpaths, [("RPATH", "$ORIGIN/..")], f"{PLUGIN}:\n{dynamic}")

    def assertResolvedInside(self, owner, loaded):
        lib = os.path.realpath(self.path("lib")) + os.sep
        outside = {soname: path for soname, path in loaded.items()
                   if not SYSTEM.match(soname) and not os.path.realpath(path).startswith(lib)}
        self.assertEqual(outside, {}, f"{owner} loads these from outside the bundle")

    def test_ldd_resolves_inside_the_bundle(self):
        libs = tuple(sorted(n for n in os.listdir(self.path("lib")) if os.path.isfile(self.path("lib", n))))
        for name in PROGRAMS + (PLUGIN,) + libs:
            target = self.path("bin", name) if name in PROGRAMS else self.path(name) if name == PLUGIN else self.path("lib", name)
            with self.subTest(file=name):
                r = run(["ldd", target], env=dict(os.environ, LD_LIBRARY_PATH=""))
                self.assertNotIn("not found", r.stdout)
                loaded = dict(re.findall(r"^\s*(\S+) => (\S+) \(", r.stdout, re.M))
                if name == "detaudit":
                    # OpenBLAS is opened with dlopen when needed: ldd does not list it.
                    self.assertNotIn("libopenblas.so.0", loaded)
                if name in PROGRAMS or name == PLUGIN:
                    self.assertResolvedInside(name, loaded)
                if name == "detaudit":
                    self.assertFalse([n for n in loaded if n.startswith(("libcublas", "libcurand", "libcudart"))],
                                     "detaudit itself links no CUDA library: the plugin does")

    def test_loader_maps_libraries_from_the_bundle(self):
        """LD_DEBUG=libs: what the dynamic loader really opens when each program runs."""
        commands = {"detaudit": ["env"], "detaudit_gpu_tests": [], "bench_cuda": ["--help"]}
        for name, args in commands.items():
            with self.subTest(program=name):
                env = dict(os.environ, LD_DEBUG="libs", LD_LIBRARY_PATH="")
                r = run([self.path("bin", name)] + args, env=env, timeout=120)
                self.assertIn(r.returncode, (0, 77), r.stderr[-2000:])
                opened = re.findall(r"calling init: (\S+)", r.stderr)
                self.assertTrue(opened, r.stderr[-2000:])
                loaded = {os.path.basename(p): p for p in opened}
                self.assertIn("libstdc++.so.6", loaded)
                if name == "detaudit":
                    # `env` reports the BLAS: OpenBLAS is opened, from the bundle.
                    self.assertIn("libopenblas.so.0", loaded)
                    # `env` asks about the GPU: the plugin is loaded, from the bundle.
                    self.assertEqual(os.path.realpath(loaded.get("libdetaudit_cuda.so", "")),
                                     os.path.realpath(self.path(PLUGIN)))
                self.assertResolvedInside(name, loaded)

    def test_build_versions_are_recorded(self):
        manifest = read(self.path("MANIFEST.txt"))
        details = json.loads(read(self.path("build-env.json")))["backends"]["cuda"]["details"]
        header = read("/usr/local/cuda/include/cublas_api.h")
        version = ".".join(re.search(rf"#define CUBLAS_VER_{part} (\d+)", header).group(1)
                           for part in ("MAJOR", "MINOR", "PATCH"))
        self.assertEqual(details["cublas_built"], version)
        self.assertIn(f"cuBLAS built against: {version}", manifest)
        self.assertRegex(manifest, r"cuRAND built against: \d+\.\d+\.\d+")
        self.assertRegex(manifest, r"needs on the target: glibc >= 2\.\d+")
        self.assertIn("libcublas.so.", manifest)
        self.assertIn("libopenblas.so.0", manifest)

    def steps(self):
        with open(os.path.join(self.out, "steps.tsv")) as f:
            rows = [line.rstrip("\n").split("\t") for line in f][1:]
        return {row[0]: row for row in rows}

    def test_checks_without_a_device(self):
        self.skip_if_gpu()
        r = self.checks
        log = f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        self.assertEqual(r.returncode, 77, log)
        steps = self.steps()
        self.assertEqual(list(steps), ["device", "gpu-tests", "bench-cuda", "gpu", "reductions", "pytorch"], log)
        self.assertEqual(steps["device"][1], "pass", log)
        self.assertEqual(steps["gpu-tests"][1:3], ["skip", "77"], log)  # tests/gpu said "no device"
        self.assertEqual(steps["bench-cuda"][1], "skip", log)
        self.assertEqual(steps["gpu"][1], "pass", log)
        self.assertEqual(steps["reductions"][1], "pass", log)
        self.assertEqual(steps["pytorch"][1], "skip", log)
        for row in steps.values():
            if row[3] != "0":
                self.assertRegex(row[3], r"^\d+\.\d$", "each step's time is printed")
        # The driver's reason, as the CUDA runtime gives it, in the summary and in each GPU step.
        reason = re.search(r"^no device: (.+)$", r.stdout, re.M)
        self.assertIsNotNone(reason, log)
        self.assertRegex(reason.group(1), r"cuda|CUDA|driver")
        self.assertIn("no device", read(os.path.join(self.out, "bench-cuda.log")))
        self.assertIn("no PyTorch with CUDA", read(os.path.join(self.out, "pytorch.log")))
        self.assertIn("skip", read(os.path.join(self.out, "summary.txt")))
        self.assertRegex(r.stdout, r"total: \d+\.\d s")

    def test_scenario_reports_with_cpu_cells_run(self):
        self.skip_if_gpu()
        for step in ("gpu", "reductions"):
            with self.subTest(step=step):
                report = json.loads(read(os.path.join(self.out, step + ".json")))
                self.assertTrue(os.path.getsize(os.path.join(self.out, step + ".junit.xml")) > 0)
                cells = [(c["backend"], c["status"], c.get("reason", "")) for op in report["operations"] for c in op["cells"]]
                cpu = [c for c in cells if c[0] == "cpu"]
                cuda = [c for c in cells if c[0] == "cuda"]
                self.assertTrue(cpu and all(status == "ok" for _, status, _ in cpu), cpu)
                self.assertTrue(cuda and all(status == "skipped" and reason for _, status, reason in cuda), cuda)
                self.assertEqual(report["summary"]["exit_code"], 0)

    def test_exit_code_names_the_failed_steps(self):
        """The GPU branch of the script, where detaudit *says* there is a device (a copy of the
        bundle whose `detaudit env` claims an H200) but none works: tests/gpu's exit 77 is then a
        failure, the scenarios run with --require cuda and fail (exit 3); the exit code is the sum
        of their numbers, 2 + 8 + 16."""
        self.skip_if_gpu()
        copy = os.path.join(SCRATCH_DIR, "claims-a-gpu")
        shutil.copytree(self.root, copy, symlinks=True)
        real = os.path.join(copy, "bin", "detaudit.real")
        os.rename(os.path.join(copy, "bin", "detaudit"), real)
        with open(os.path.join(copy, "bin", "detaudit"), "w") as f:
            f.write("#!/bin/sh\n"
                    "if [ \"$*\" = env ]; then printf 'backends:\\n  cpu:\\n    available: true\\n"
                    "    device: some CPU\\n  cuda:\\n    available: true\\n"
                    "    device: NVIDIA H200 (compute capability 9.0, 132 SMs)\\n'; exit 0; fi\n"
                    f"exec '{real}' \"$@\"\n")
        os.chmod(os.path.join(copy, "bin", "detaudit"), 0o755)
        out = os.path.join(SCRATCH_DIR, "claims-a-gpu-out")
        r = run([os.path.join(copy, "run-gpu-checks.sh"), out], env=dict(os.environ, PATH="/nonexistent:/usr/bin:/bin"))
        log = f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        self.assertIn("device: NVIDIA H200 (compute capability 9.0, 132 SMs)", r.stdout, log)
        self.assertEqual(r.returncode, 2 + 8 + 16, log)
        self.assertIn("FAILED steps (exit 26): gpu-tests gpu reductions", r.stdout, log)
        self.assertIn("cuda is unavailable", read(os.path.join(out, "gpu.log")))
        self.assertTrue(os.path.isfile(os.path.join(out, "reductions.json")), "reports written when a step fails")

    def test_bad_usage(self):
        r = run([self.path("run-gpu-checks.sh")])
        self.assertEqual(r.returncode, 64)
        self.assertIn("usage:", r.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        print(f"usage: {sys.argv[0]} SOURCE_DIR BUILD_DIR SCRATCH_DIR [unittest args]", file=sys.stderr)
        sys.exit(2)
    SOURCE_DIR, BUILD_DIR, SCRATCH_DIR = (os.path.abspath(a) for a in sys.argv[1:4])
    shutil.rmtree(SCRATCH_DIR, ignore_errors=True)
    os.makedirs(SCRATCH_DIR)
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
