#!/usr/bin/python3
"""The bash completion (packaging/detaudit.bash, installed as share/bash-completion/completions/detaudit)
in a real bash, against the --help it reads:

    python3 test_completion.py DETAUDIT SOURCE_DIR SCRATCH_DIR

It loads silently and registers for detaudit; it completes the subcommands, each subcommand's
options, a flag's listed choices, file names for scenarios and for options that take a path, and
nothing for numbers; and it follows --help, not a list of its own: a detaudit whose help adds a
subcommand gets it completed."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import help_text  # noqa: E402

DETAUDIT = SOURCE_DIR = SCRATCH_DIR = None

# Completes WORDS (the last one is being completed) as readline would call the function.
COMPLETE = r'''
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
_detaudit
printf '%s\n' "${COMPREPLY[@]}"
'''


def bash(script, *args, path_dir, cwd=None):
    env = dict(os.environ, PATH=path_dir + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


class Completion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.script = os.path.join(SOURCE_DIR, "packaging", "detaudit.bash")
        # `detaudit` on PATH is the built binary, as it would be once installed.
        cls.bin_dir = os.path.join(SCRATCH_DIR, "bin")
        os.makedirs(cls.bin_dir)
        os.symlink(os.path.abspath(DETAUDIT), os.path.join(cls.bin_dir, "detaudit"))
        cls.files = os.path.join(SCRATCH_DIR, "files")
        os.makedirs(cls.files)
        for name in ("scenario-a.json", "scenario-b.json", "report.json"):
            open(os.path.join(cls.files, name), "w").close()

    def complete(self, *words, path_dir=None, cwd=None):
        done = bash(COMPLETE, self.script, *words, path_dir=path_dir or self.bin_dir, cwd=cwd or self.files)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        return [line for line in done.stdout.splitlines() if line]

    def test_loads_silently_and_registers(self):
        done = bash('source "$1" && complete -p detaudit', self.script, path_dir=self.bin_dir)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        self.assertEqual(done.stdout.strip(), "complete -F _detaudit detaudit")

    def test_subcommands(self):
        expected = help_text.subcommands(DETAUDIT)
        self.assertIn("run", expected)
        self.assertEqual(self.complete("detaudit", ""), expected)
        self.assertEqual(self.complete("detaudit", "va"), ["validate"])
        self.assertEqual(self.complete("detaudit", "-q", "tr"), [s for s in expected if s.startswith("tr")])

    def test_each_subcommands_options(self):
        for sub in help_text.subcommands(DETAUDIT):
            with self.subTest(sub):
                expected = help_text.long_options(help_text.help_text(DETAUDIT, sub))
                self.assertIn("--help", expected)
                self.assertEqual(self.complete("detaudit", sub, "--"), expected)
        self.assertEqual(self.complete("detaudit", "run", "--verb"), ["--verbose"])
        self.assertEqual(self.complete("detaudit", "--"), help_text.long_options(help_text.help_text(DETAUDIT)))

    def test_option_values(self):
        run_help = help_text.help_text(DETAUDIT, "run")
        color = next(line for line in run_help.splitlines() if line.startswith("  --color"))
        choices = color[color.index("{") + 1:color.index("}")].split(",")
        self.assertEqual(self.complete("detaudit", "run", "--color", ""), choices)
        self.assertEqual(self.complete("detaudit", "run", "--color", "=", "al"), ["always"])
        self.assertEqual(self.complete("detaudit", "run", "--runs", ""), [])
        self.assertEqual(sorted(self.complete("detaudit", "run", "--json", "rep")), ["report.json"])

    def test_file_arguments(self):
        self.assertEqual(sorted(self.complete("detaudit", "run", "scen")), ["scenario-a.json", "scenario-b.json"])
        self.assertEqual(sorted(self.complete("detaudit", "validate", "scenario-a.json", "scenario-")),
                         ["scenario-a.json", "scenario-b.json"])

    def test_follows_help_of_the_program_completed(self):
        # A detaudit with one more subcommand (as a newer version would have): no list to update.
        fake_dir = os.path.join(SCRATCH_DIR, "fake")
        os.makedirs(fake_dir)
        fake = os.path.join(fake_dir, "detaudit")
        with open(fake, "w") as f:
            f.write('#!/bin/sh\n'
                    'if [ "$1" = merge ]; then\n'
                    '  printf "Join shards\\nUsage: detaudit merge [OPTIONS] reports...\\n\\nOptions:\\n'
                    '  -h,--help                   Print this help message and exit\\n'
                    '  -o,--output TEXT REQUIRED   The merged report\\n"\n'
                    'else\n'
                    '  printf "detaudit\\nUsage: detaudit [OPTIONS] SUBCOMMAND\\n\\nOptions:\\n'
                    '  -h,--help                   Print this help message and exit\\n\\nSubcommands:\\n'
                    '  run                         Run a scenario\\n'
                    '  merge                       Join shards\\n"\n'
                    'fi\n')
        os.chmod(fake, 0o755)
        self.assertEqual(self.complete("detaudit", "", path_dir=fake_dir), ["run", "merge"])
        self.assertEqual(self.complete("detaudit", "merge", "--", path_dir=fake_dir), ["--help", "--output"])
        self.assertEqual(self.complete("detaudit", "merge", "-o", "rep", path_dir=fake_dir), ["report.json"])

    def test_no_program_no_completion(self):
        self.assertEqual(self.complete(os.path.join(SCRATCH_DIR, "no-such", "detaudit"), ""), [])


if __name__ == "__main__":
    DETAUDIT, SOURCE_DIR, SCRATCH_DIR = sys.argv[1:4]
    shutil.rmtree(SCRATCH_DIR, ignore_errors=True)
    os.makedirs(SCRATCH_DIR)
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=2)
