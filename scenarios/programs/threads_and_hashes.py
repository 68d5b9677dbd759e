#!/usr/bin/python3
"""A small training-step stand-in with three outputs, for scenarios/python-threads.json.

deterministic.npy  a seeded computation: the same bits on every run
thread_sum.npy     partial sums added to a shared float32 total by worker threads as they
                   finish: the order of the additions, hence the rounding, follows scheduling
set_order.npy      values laid out in the iteration order of a set of strings, which depends on
                   Python's string hashing (PYTHONHASHSEED)
"""
import argparse
import os
import threading

import numpy as np


def deterministic(rng):
    x = rng.standard_normal(4096).astype(np.float32)
    return np.cumsum(x * np.float32(0.5), dtype=np.float32)


def thread_sum(rng, workers=16):
    # Chunks of very different magnitudes: float32 addition of their partials is far from
    # associative, so every change in completion order shows in the low bits.
    chunks = [rng.standard_normal(250_000).astype(np.float32) * np.float32(10.0 ** (k % 7 - 3))
              for k in range(workers)]
    total = np.zeros(1, dtype=np.float32)
    lock = threading.Lock()
    start = threading.Barrier(workers)  # all start together: who finishes first is up to the OS

    def work(chunk):
        start.wait()
        partial = np.float32(0)
        for _ in range(4):  # numpy releases the GIL here; threads interleave on every core
            partial = np.sum(chunk, dtype=np.float32)
        with lock:
            total[0] += partial

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total


def set_order():
    words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
             "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon"}
    # A vocabulary numbered in set order: a common way to make ids depend on the hash seed.
    return np.array([len(w) + 0.25 * (ord(w[0]) - 96) for w in words], dtype=np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="directory to write the outputs into")
    args = parser.parse_args()
    rng = np.random.default_rng(1234)
    np.save(os.path.join(args.out, "deterministic.npy"), deterministic(rng))
    np.save(os.path.join(args.out, "thread_sum.npy"), thread_sum(rng))
    np.save(os.path.join(args.out, "set_order.npy"), set_order())


if __name__ == "__main__":
    main()
