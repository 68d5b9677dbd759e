#!/usr/bin/python3
"""Start-up cost of the detaudit binary (docs/performance.md "Start-up"):

  detaudit --version          target <= 32 MiB max RSS and <= 15 ms wall (median of the starts)
  detaudit env                for information: it loads the CUDA plugin when the build has one

The anchor is /bin/true started the same way in the same rounds (interleaved), so the machine's
load moves both. Each start is one posix_spawn timed to its reaping by os.wait4, whose rusage
also gives the child's CPU time (user + system: less disturbed by other processes than the wall
time on a loaded machine). The max RSS comes from /usr/bin/time -f %M, a small C parent: a child
forked from this Python process would count Python's pages before its exec.

usage: bench_startup.py DETAUDIT_BINARY [--starts N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

results = {"pass": 0, "miss": 0}


NULL = os.open(os.devnull, os.O_WRONLY)


def start(argv):
    """Wall seconds from spawn to reaped exit, and the child's CPU seconds."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, NULL, 1),
                                                                    (os.POSIX_SPAWN_DUP2, NULL, 2)])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench_startup: {' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_utime + usage.ru_stime


def max_rss_kib(argv):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, capture_output=True, text=True, check=True)
    return int(r.stderr.strip().splitlines()[-1])


def verdict(ok, target):
    results["pass" if ok else "miss"] += 1
    return f"(target {target}) {'PASS' if ok else 'MISS'}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("detaudit")
    parser.add_argument("--starts", type=int, default=200)
    args = parser.parse_args()
    commands = {"/bin/true": ["/bin/true"],
                "detaudit --version": [args.detaudit, "--version"],
                "detaudit env": [args.detaudit, "env"]}
    times = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    rss = {name: max(max_rss_kib(argv) for _ in range(3)) for name, argv in commands.items()}
    for i in range(args.starts):
        for name, argv in commands.items():
            if name == "detaudit env" and i % 10:  # slower; fewer starts are enough
                continue
            seconds, cpu_seconds = start(argv)
            times[name].append(seconds)
            cpu[name].append(cpu_seconds)
    load = os.getloadavg()
    print(f"bench_startup: {args.detaudit}, {args.starts} interleaved starts, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    anchor = statistics.median(times["/bin/true"])
    for name in commands:
        median = statistics.median(times[name])
        line = (f"  {name:20s} wall median {median * 1e3:7.2f} ms (p10 {statistics.quantiles(times[name], n=10)[0] * 1e3:6.2f}"
                f" ms, {median / anchor:5.1f}x /bin/true)  CPU median {statistics.median(cpu[name]) * 1e3:6.2f} ms"
                f"  max RSS {rss[name] / 1024:6.1f} MiB")
        if name == "detaudit --version":
            line += (f"\n    wall {verdict(median <= 0.015, '<= 15 ms')}; "
                     f"RSS {verdict(rss[name] <= 32 * 1024, '<= 32 MiB')}")
        print(line)
    print(f"targets: {results['pass']} pass, {results['miss']} miss")
    return 0


if __name__ == "__main__":
    sys.exit(main())
