#!/usr/bin/python3
"""The Slurm recipe of docs/fleet.md, for real: a throw-away single-node cluster (slurm_cluster.py)
runs the shards of tests/data/fleet/fleet.json as a job array (scripts/fleet/slurm-shards.sbatch)
and merges them in an afterok-dependent job (scripts/fleet/slurm-merge.sbatch); the merged report
must equal an unsharded run's but for timings and environments.

    test_slurm_fleet.py DETAUDIT_BINARY SOURCE_DIR SCRATCH_DIR

Exits 77 (a CTest skip) with the reason when not root or Slurm/munge are not installed.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from slurm_cluster import SlurmCluster  # noqa: E402

SHARDS = 3
SKIP = 77


def skip_reason():
    if os.geteuid() != 0:
        return "not root: slurmctld and slurmd must run as root"
    missing = [b for b in ("slurmctld", "slurmd", "sbatch", "scancel", "munged") if shutil.which(b) is None]
    if missing:
        return ("not installed: " + ", ".join(missing) +
                " (apt-get install --no-install-recommends slurmctld slurmd slurm-client munge)")
    return None


def comparable(report):
    """A report without what differs between machines and runs: timings, environments, paths."""
    report = json.loads(json.dumps(report))
    for key in ("started_at", "duration_s", "environment", "merged_from", "runs_dir"):
        report.pop(key, None)
    report["scenario"].pop("path", None)
    for op in report["operations"]:
        for cell in op["cells"]:
            cell.pop("time", None)
    return report


def first_difference(a, b, path=""):
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k}: only on one side"
            d = first_difference(a[k], b[k], f"{path}/{k}")
            if d:
                return d
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}/{i}")
            if d:
                return d
    elif a != b:
        return f"{path}: {a!r} vs {b!r}"
    return None


def fail(message, cluster=None):
    print("FAIL: " + message, file=sys.stderr)
    if cluster and os.path.isdir(cluster.path("log")):
        for name in sorted(os.listdir(cluster.path("log"))):
            with open(cluster.path("log", name), errors="replace") as f:
                tail = f.read()[-1500:]
            print(f"--- {name} ---\n{tail}", file=sys.stderr)
    return 1


def run_fleet(binary, source, scratch):
    scenario = os.path.join(source, "tests", "data", "fleet", "fleet.json")
    scripts = os.path.join(source, "scripts", "fleet")
    out = os.path.join(scratch, "reports")
    os.makedirs(out)
    unsharded = os.path.join(scratch, "unsharded.json")
    r = subprocess.run([binary, "run", scenario, "--json", unsharded, "-q"], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return fail(f"unsharded run exited {r.returncode}: {r.stderr}")

    # Under /tmp, not the build tree: a Unix socket path must stay under 108 bytes.
    cluster = SlurmCluster(tempfile.mkdtemp(prefix="detaudit-slurm-"))
    cluster.env.update(DETAUDIT=binary, FLEET_SCRIPTS=scripts)
    try:
        cluster.start()
        array = cluster.sbatch(["--parsable", f"--array=1-{SHARDS}", "--output", os.path.join(out, "shard-%a.out"),
                                os.path.join(scripts, "slurm-shards.sbatch"), scenario, str(SHARDS), out])
        if array.returncode != 0:
            return fail("sbatch of the array: " + array.stderr, cluster)
        job = array.stdout.strip().split(";")[0]
        merge = cluster.sbatch(["--wait", f"--dependency=afterok:{job}", "--output", os.path.join(out, "merge.out"),
                                os.path.join(scripts, "slurm-merge.sbatch"), str(SHARDS), out], timeout=480)
        if merge.returncode != 0:
            logs = {n: open(os.path.join(out, n), errors="replace").read()[-800:] for n in os.listdir(out) if n.endswith(".out")}
            return fail(f"merge job exited {merge.returncode}: {merge.stderr} {logs}", cluster)
    finally:
        cluster.stop()
        shutil.rmtree(cluster.dir, ignore_errors=True)

    with open(unsharded) as f:
        expected = json.load(f)
    with open(os.path.join(out, "full.json")) as f:
        merged = json.load(f)
    if len(merged.get("merged_from", [])) != SHARDS:
        return fail(f"merged_from has {len(merged.get('merged_from', []))} entries, not {SHARDS}")
    held = sorted(op["id"] for k in range(1, SHARDS + 1)
                  for op in json.load(open(os.path.join(out, f"shard-{k}.json")))["shard"]["operations"])
    if held != sorted(op["id"] for op in expected["operations"]):
        return fail(f"the shards held {held}")
    d = first_difference(comparable(expected), comparable(merged))
    if d:
        return fail("merged report differs from the unsharded one at " + d)
    print(f"ok: {SHARDS} shards as a Slurm job array + afterok merge equal the unsharded report "
          f"({len(expected['operations'])} operations)")
    return 0


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    reason = skip_reason()
    if reason:
        print("SKIP: " + reason)
        return SKIP
    binary, source, scratch = (os.path.abspath(a) for a in sys.argv[1:])
    # CTest's timeout or a Ctrl-C must still stop the daemons: turn the signal into an exception
    # so the cluster's `finally` runs.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    return run_fleet(binary, source, scratch)


if __name__ == "__main__":
    sys.exit(main())
