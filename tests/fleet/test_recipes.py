#!/usr/bin/python3
"""The Kubernetes and GitHub Actions recipes of docs/fleet.md: the YAML parses, every shard 1..N
is run exactly once through scripts/fleet/run-shard.sh (the script the Slurm CTest runs), the merge
runs scripts/fleet/merge-shards.sh after every shard, each detaudit command and flag they name
exists in the built binary, and docs/fleet.md shows the files as they are.

    test_recipes.py DETAUDIT_BINARY SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import unittest

import yaml

BINARY = SOURCE = None


def fleet_file(name):
    return os.path.join(SOURCE, "scripts", "fleet", name)


def read(path):
    with open(path) as f:
        return f.read()


class Recipes(unittest.TestCase):
    def shard_numbers(self, command, index_values, n):
        """The K each shard's command runs, evaluated by the shell as the pod or runner would."""
        shards = []
        for value in index_values:
            line = command.replace("${{ matrix.shard }}", str(value))
            echo = subprocess.run(["sh", "-c", "echo " + line], env={"JOB_COMPLETION_INDEX": str(value)},
                                  capture_output=True, text=True, check=True).stdout.split()
            self.assertTrue(echo[0].endswith("run-shard.sh"), line)
            self.assertEqual(echo[3], str(n), line)
            shards.append(int(echo[2]))
        return shards

    def test_kubernetes_indexed_job(self):
        shards, merge = list(yaml.safe_load_all(read(fleet_file("k8s-indexed-job.yaml"))))
        spec = shards["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        n = spec["completions"]
        command = spec["template"]["spec"]["containers"][0]["args"][0]
        self.assertEqual(self.shard_numbers(command, range(n), n), list(range(1, n + 1)))
        argv = merge["spec"]["template"]["spec"]["containers"][0]["command"]
        self.assertTrue(argv[0].endswith("merge-shards.sh"))
        self.assertEqual(argv[1], str(n))

    def test_github_actions_matrix(self):
        workflow = yaml.safe_load(read(fleet_file("github-actions.yml")))
        jobs = workflow["jobs"]
        matrix = jobs["shard"]["strategy"]["matrix"]["shard"]
        n = len(matrix)
        runs = [s["run"] for s in jobs["shard"]["steps"] if "run-shard.sh" in s.get("run", "")]
        self.assertEqual(len(runs), 1)
        self.assertEqual(sorted(self.shard_numbers(runs[0], matrix, n)), list(range(1, n + 1)))
        self.assertEqual(jobs["merge"]["needs"], "shard")
        merges = [s["run"] for s in jobs["merge"]["steps"] if "merge-shards.sh" in s.get("run", "")]
        self.assertEqual(len(merges), 1)
        self.assertEqual(merges[0].split()[1:], [str(n), "reports"])
        steps = " ".join(str(s) for s in jobs["merge"]["steps"])
        self.assertIn("shard-*.xml", steps)  # JUnit of every shard
        self.assertIn("GITHUB_STEP_SUMMARY", steps)  # the Markdown summary

    def test_detaudit_commands_exist(self):
        """Every `detaudit CMD --flag` in the recipes and scripts is accepted by the binary's --help."""
        text = "".join(read(fleet_file(n)) for n in sorted(os.listdir(os.path.join(SOURCE, "scripts", "fleet"))))
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        calls = re.findall(r'(?:/detaudit|"\$detaudit")[ \t]+([a-z-]+)([^\n]*)', code)
        self.assertTrue(calls)
        main_help = subprocess.run([BINARY, "--help"], capture_output=True, text=True, check=True).stdout
        commands = set(re.findall(r"^  ([a-z-]+)  ", main_help.split("Subcommands:")[1], re.M))
        for command, rest in calls:
            if command == "report" and command not in commands:
                print("note: this build has no `detaudit report` (the reports branch adds it); not checked")
                continue
            self.assertIn(command, commands, f"detaudit has no command {command}")
            help_text = subprocess.run([BINARY, command, "--help"], capture_output=True, text=True)
            self.assertEqual(help_text.returncode, 0, f"detaudit {command}: {help_text.stderr}")
            for flag in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", rest):
                self.assertIn(flag, help_text.stdout, f"detaudit {command} has no {flag}")

    def test_scripts_are_executable(self):
        for name in ("run-shard.sh", "merge-shards.sh", "slurm-shards.sbatch", "slurm-merge.sbatch"):
            self.assertTrue(os.access(fleet_file(name), os.X_OK), name)

    def test_docs_show_the_files(self):
        doc = read(os.path.join(SOURCE, "docs", "fleet.md"))
        for name in ("slurm-shards.sbatch", "slurm-merge.sbatch", "k8s-indexed-job.yaml", "github-actions.yml"):
            body = read(fleet_file(name))
            self.assertIn(body.strip(), doc, f"docs/fleet.md does not show scripts/fleet/{name} as it is")


if __name__ == "__main__":
    BINARY, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
