#!/usr/bin/python3
"""The man page the build generated (scripts/gen-man-page.sh) says what --help says:

    python3 test_man_page.py DETAUDIT SOURCE_DIR MAN_PAGE SCRATCH_DIR

It is current (generating it again from the binary gives the same page, its date aside), man renders
it without warnings, and the rendered text holds every subcommand and every option of the command
and of each subcommand with its description, as --help prints them."""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import help_text  # noqa: E402

DETAUDIT = SOURCE_DIR = MAN_PAGE = SCRATCH_DIR = None


def render(page):
    env = dict(os.environ, MANWIDTH="400", LC_ALL="C.UTF-8")
    done = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", page], capture_output=True,
                          text=True, env=env, timeout=60)
    return done


def normalise(text):
    # man prints hyphens and minus signs as their Unicode forms and justifies with extra spaces.
    return " ".join(text.replace("\u2010", "-").replace("\u2212", "-").replace("\u2019", "'").split())


class ManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        done = render(MAN_PAGE)
        cls.render_errors = done.stderr
        cls.text = normalise(done.stdout)

    def test_current(self):
        fresh = os.path.join(SCRATCH_DIR, "detaudit.1")
        subprocess.run([os.path.join(SOURCE_DIR, "scripts", "gen-man-page.sh"), DETAUDIT, fresh],
                       check=True, timeout=120)
        def without_date(path):
            with open(path) as f:
                return [line for line in f.read().splitlines() if not line.startswith(".TH ")]
        self.assertEqual(without_date(fresh), without_date(MAN_PAGE),
                         "the built man page is stale: rebuild (cmake --build) regenerates it")

    def test_renders_without_warnings(self):
        self.assertEqual(self.render_errors, "")
        self.assertIn("DETAUDIT(1)", self.text)
        for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "FILES", "SEE ALSO"):
            self.assertIn(f" {heading} ", self.text, heading)

    def check_options(self, help, where):
        found = help_text.options(help)
        self.assertTrue(found, where)
        for names, _, description in found:
            self.assertIn(",".join(names), self.text, where)
            self.assertIn(normalise(description), self.text, f"{where}: {names}")

    def test_top_level(self):
        self.check_options(help_text.help_text(DETAUDIT), "detaudit")
        version = subprocess.run([DETAUDIT, "--version"], capture_output=True, text=True).stdout.strip()
        self.assertIn(normalise(version), self.text)

    def test_every_subcommand(self):
        subcommands = help_text.subcommands(DETAUDIT)
        self.assertIn("run", subcommands)
        for sub in subcommands:
            help = help_text.help_text(DETAUDIT, sub)
            self.assertIn(f"detaudit {sub} ", self.text, sub)
            self.assertIn(normalise(help.splitlines()[0]), self.text, f"{sub}: its description")
            usage = next(l for l in help.splitlines() if l.startswith("Usage: "))
            self.assertIn(normalise(usage), self.text, f"{sub}: its usage")
            self.check_options(help, f"detaudit {sub}")

    def test_subcommand_order_follows_help(self):
        positions = [self.text.find(f" Usage: detaudit {sub} ") for sub in help_text.subcommands(DETAUDIT)]
        self.assertNotIn(-1, positions)
        self.assertEqual(positions, sorted(positions))


if __name__ == "__main__":
    DETAUDIT, SOURCE_DIR, MAN_PAGE, SCRATCH_DIR = sys.argv[1:5]
    shutil.rmtree(SCRATCH_DIR, ignore_errors=True)
    os.makedirs(SCRATCH_DIR)
    unittest.main(argv=sys.argv[:1] + sys.argv[5:], verbosity=2)
