#!/usr/bin/python3
"""--runs auto against a fixed --runs N on one scenario: wall time ratio and whether every
expectation's verdict is the same. The anchor is the fixed-N run, measured in the same process.
Usage: bench/runs_auto_ratio.py path/to/detaudit [scenario] [N] [extra auto flags...]"""
import json
import subprocess
import sys
import tempfile
import time


def audit(binary, scenario, flags):
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        start = time.monotonic()
        subprocess.run([binary, "run", scenario, "-q", "--json", report.name, *flags], stdout=subprocess.DEVNULL, check=False)
        seconds = time.monotonic() - start
        r = json.load(open(report.name))
    verdicts = {(op["id"], e["axis"], e["backend"]): (e["evaluated"], e["held"]) for op in r["operations"]
                for e in op["expectations"]}
    runs = sum(c["runs"] for op in r["operations"] for c in op["cells"])
    return seconds, verdicts, runs


def main():
    binary = sys.argv[1]
    scenario = sys.argv[2] if len(sys.argv) > 2 else "scenarios/quickstart.json"
    fixed = sys.argv[3] if len(sys.argv) > 3 else "32"
    extra = sys.argv[4:]
    anchor_s, anchor_verdicts, anchor_runs = audit(binary, scenario, ["--runs", fixed])
    print(f"anchor --runs {fixed}: {anchor_s:.2f} s, {anchor_runs} runs")
    for flags in (["--runs", "auto", *extra], ["--runs", "auto", "--max-runs", fixed, *extra]):
        s, verdicts, runs = audit(binary, scenario, flags)
        same = verdicts == anchor_verdicts
        print(f"{' '.join(flags)}: {s:.2f} s, {runs} runs, ratio {s / anchor_s:.2f}, same verdicts: {same}")


if __name__ == "__main__":
    main()
