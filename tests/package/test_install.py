#!/usr/bin/python3
"""What `cmake --install` lays out (cmake/Install.cmake), used from the install and nowhere else:

    python3 test_install.py BUILD_DIR SOURCE_DIR SCRATCH_DIR

The build is installed into a fresh prefix: detaudit alone in bin/ (the GPU bundle's programs are
its own component), the man page, the completion, the docs, the trace helper, and every example
scenario with the programs its exec operations name, at the paths the scenario resolves them from.
The installed binary finds its trace helper beside it, validates every installed scenario and runs
a built-in and an exec scenario from the install."""
import glob
import json
import os
import shutil
import subprocess
import sys
import unittest

BUILD_DIR = SOURCE_DIR = SCRATCH_DIR = None


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = os.path.join(SCRATCH_DIR, "prefix")
        done = run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix])
        if done.returncode != 0:
            raise AssertionError(f"cmake --install failed:\n{done.stdout}\n{done.stderr}")
        cls.detaudit = os.path.join(cls.prefix, "bin", "detaudit")
        cls.scenarios = os.path.join(cls.prefix, "share", "detaudit", "scenarios")
        # Far from the source tree, so that nothing resolves against it by accident.
        cls.elsewhere = os.path.join(SCRATCH_DIR, "elsewhere")
        os.makedirs(cls.elsewhere)

    def path(self, *parts):
        return os.path.join(self.prefix, *parts)

    def test_layout(self):
        self.assertEqual(os.listdir(self.path("bin")), ["detaudit"], "only detaudit; the bundle is its own component")
        self.assertTrue(os.access(self.detaudit, os.X_OK))
        for rel in ("share/man/man1/detaudit.1", "share/bash-completion/completions/detaudit",
                    "share/detaudit/python/detaudit_trace.py", "share/doc/detaudit/README.md",
                    "share/doc/detaudit/docs/cli.md", "share/doc/detaudit/docs/scenario-format.md",
                    "share/doc/detaudit/docs/report.schema.json"):
            self.assertTrue(os.path.isfile(self.path(rel)), rel)
        with open(self.path("share/bash-completion/completions/detaudit")) as installed, \
                open(os.path.join(SOURCE_DIR, "packaging", "detaudit.bash")) as source:
            self.assertEqual(installed.read(), source.read())
        with open(self.path("share/man/man1/detaudit.1")) as man:
            self.assertIn(".SH COMMANDS", man.read())

    def test_every_scenario_and_program_installed(self):
        source = os.path.join(SOURCE_DIR, "scenarios")
        def files(root):
            return sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "**", "*"), recursive=True)
                          if os.path.isfile(p) and "__pycache__" not in p)
        self.assertEqual(files(self.scenarios), files(source))
        self.assertIn("quickstart.json", files(self.scenarios))

    def test_exec_programs_resolve_where_installed(self):
        checked = 0
        for scenario in glob.glob(os.path.join(self.scenarios, "*.json")):
            with open(scenario) as f:
                ops = json.load(f)["operations"]
            for op in ops:
                if "command" not in op:
                    continue
                cwd = os.path.join(os.path.dirname(scenario), op.get("cwd", ""))
                for arg in op["command"]:
                    if "/" in arg and not os.path.isabs(arg) and "{" not in arg:
                        self.assertTrue(os.path.isfile(os.path.join(cwd, arg)), f"{scenario}: {op['id']}: {arg}")
                        checked += 1
        self.assertGreater(checked, 0)
        # pytorch_train.py imports the trace helper from ../../python when not on PYTHONPATH.
        programs = os.path.join(self.scenarios, "programs")
        self.assertTrue(os.path.isfile(os.path.join(programs, "..", "..", "python", "detaudit_trace.py")))

    def test_trace_helper_found_beside_the_binary(self):
        done = run([self.detaudit, "env", "--json"], cwd=self.elsewhere)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["trace_helper"],
                         self.path("share", "detaudit", "python", "detaudit_trace.py"))

    def test_installed_scenarios_validate(self):
        scenarios = sorted(glob.glob(os.path.join(self.scenarios, "*.json")))
        done = run([self.detaudit, "validate", *scenarios], cwd=self.elsewhere)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    def run_installed(self, name):
        report = os.path.join(SCRATCH_DIR, name + ".report.json")
        done = run([self.detaudit, "run", os.path.join(self.scenarios, name + ".json"), "--runs", "2",
                    "-q", "--json", report], cwd=self.elsewhere)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        with open(report) as f:
            cells = [cell for op in json.load(f)["operations"] for cell in op["cells"]]
        self.assertTrue(cells)
        self.assertEqual({cell["status"] for cell in cells}, {"ok"})

    def test_run_builtin_scenario(self):
        self.run_installed("quickstart")

    def test_run_exec_scenario(self):
        self.run_installed("python-threads")


if __name__ == "__main__":
    BUILD_DIR, SOURCE_DIR, SCRATCH_DIR = sys.argv[1:4]
    shutil.rmtree(SCRATCH_DIR, ignore_errors=True)
    os.makedirs(SCRATCH_DIR)
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=2)
