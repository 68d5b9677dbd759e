#!/usr/bin/python3
"""A small seeded training run with Debian's python3-torch (CPU), for scenarios/pytorch-train.json.

    pytorch_train.py --out DIR --case CASE [--steps N]

CASE picks how randomness is controlled, after the cases of TensorFlow's seed article:
  global-seed  torch.manual_seed(0) before anything random: reproduces bit for bit
  generator    an explicit torch.Generator for the initial weights and the data: reproduces
  unseeded     no seed: the data order comes from Python's `random`, seeded from the OS at
               start, so every run differs from its first record (torch's own default
               generator, unseeded, starts from a fixed seed and would reproduce)
  threaded     global seed, plus one planted nondeterministic step: from step 3 on, the
               gradient of fc2.weight is summed over 8 micro-batch shards from worker threads in
               the order the threads finish, and float32 addition is not associative

It writes loss.npy (one loss per step) and fc2_weight.npy (the final weights) to DIR, and, when
DETAUDIT_TRACE is set, a trace (docs/trace.md): every module's output and every parameter's
gradient through detaudit_trace.watch(), the shards' gradients and their sum (with the shards as
its inputs), the loss and the parameters after each step.
"""
import argparse
import os
import random
import sys
import threading
import time

import numpy as np
import torch

try:
    import detaudit_trace as dt
except ImportError:  # run by hand from the source tree
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    import detaudit_trace as dt

THREADED_FROM = 3
SHARDS = 8


class Mlp(torch.nn.Module):
    def __init__(self, generator=None):
        super().__init__()
        self.fc1 = torch.nn.Linear(32, 64)
        self.act = torch.nn.Tanh()
        self.fc2 = torch.nn.Linear(64, 10)
        if generator is not None:  # the op-level seed: every initial weight from `generator`
            with torch.no_grad():
                for p in self.parameters():
                    p.copy_(torch.randn(p.shape, generator=generator) * 0.1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def make_data(case, generator):
    n = 512
    x = torch.randn(n, 32, generator=generator)
    y = torch.randint(0, 10, (n,), generator=generator)
    order = list(range(n))
    if case == "unseeded":
        random.shuffle(order)  # Python's random: seeded from os.urandom at interpreter start
    else:
        order = torch.randperm(n, generator=generator).tolist()
    return x[order], y[order]


def shard_grad_fc2(model, xs, ys):
    """d loss / d fc2.weight of one shard, on detached copies (no hooks fire in the threads)."""
    w1, b1 = model.fc1.weight.detach(), model.fc1.bias.detach()
    w2 = model.fc2.weight.detach().clone().requires_grad_(True)
    b2 = model.fc2.bias.detach()
    logits = torch.nn.functional.linear(torch.tanh(torch.nn.functional.linear(xs, w1, b1)), w2, b2)
    loss = torch.nn.functional.cross_entropy(logits, ys, reduction="sum")
    (g,) = torch.autograd.grad(loss, w2)
    return g


def threaded_fc2_grad(model, xb, yb):
    """The planted step: shards' gradients summed in thread completion order."""
    xs, ys = xb.chunk(SHARDS), yb.chunk(SHARDS)
    grads = [None] * SHARDS
    finished = []  # shard indices in completion order
    lock = threading.Lock()
    jitter = random.SystemRandom()
    start = threading.Barrier(SHARDS)

    def work(i):
        start.wait()
        grads[i] = shard_grad_fc2(model, xs[i], ys[i])
        time.sleep(jitter.random() * 0.004)  # stands in for uneven shard sizes and scheduling
        with lock:
            finished.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(SHARDS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = torch.zeros_like(grads[0])
    for i in finished:  # completion order: the bug
        total = total + grads[i]
    for i in range(SHARDS):  # the shards themselves are deterministic: recorded in shard order
        dt.record(f"shard{i}/fc2.weight.grad", grads[i])
    dt.record("model.fc2.weight.grad", total, inputs=[f"shard{i}/fc2.weight.grad" for i in range(SHARDS)])
    return total / len(xb)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--case", required=True, choices=["global-seed", "generator", "unseeded", "threaded"])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--ops", action="store_true", help="also record every ATen op (watch_ops)")
    ap.add_argument("--time", action="store_true", help="print the training loop's seconds on stderr")
    args = ap.parse_args()
    torch.set_num_threads(1)  # intra-op threads are not what this example is about

    generator = None
    if args.case == "generator":
        generator = torch.Generator().manual_seed(1234)
    elif args.case in ("global-seed", "threaded"):
        torch.manual_seed(0)
    model = Mlp(generator)
    x, y = make_data(args.case, generator)
    dt.record("data/x", x)
    dt.record("data/y", y)
    dt.watch(model, "model")
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    started = time.perf_counter()
    for step in range(args.steps):
        with dt.step(step):
            lo = (step % 8) * 64  # 8 batches of 64 per epoch
            xb, yb = x[lo:lo + 64], y[lo:lo + 64]
            opt.zero_grad()
            if args.ops:
                with dt.watch_ops():
                    loss = loss_fn(model(xb), yb)
            else:
                loss = loss_fn(model(xb), yb)
            loss.backward()  # the watched gradient hooks record every parameter's gradient
            if args.case == "threaded" and step >= THREADED_FROM:
                model.fc2.weight.grad = threaded_fc2_grad(model, xb, yb)
            opt.step()
            dt.record("loss", loss)
            for name, p in model.named_parameters():
                dt.record(f"model.{name}", p)
            losses.append(loss.item())
    if args.time:
        print(f"train_seconds {time.perf_counter() - started:.6f}", file=sys.stderr)
    np.save(os.path.join(args.out, "loss.npy"), np.array(losses, dtype=np.float32))
    np.save(os.path.join(args.out, "fc2_weight.npy"), model.fc2.weight.detach().numpy())


if __name__ == "__main__":
    main()
