#!/usr/bin/env python3
"""PyTorch on CUDA: the operations PyTorch's reproducibility notes name, for scenarios/pytorch-gpu.json.

Writes into --out (float32 .npy files):
  index_add.npy    Tensor.index_add_ of 2^24 values into 8 bins (CUDA atomics unless
                   deterministic algorithms are on)
  scatter_add.npy  Tensor.scatter_add_ of the same values into the same bins (1-D: PyTorch 1.13
                   has a deterministic path only for 1-D inputs)
  sum.npy          torch.sum of 10^8 values
  matmul.npy       torch.mm of two 1024x1024 matrices (cuBLAS)

Settings, read from the environment (detaudit's env.* axes and the operation's env):
  TORCH_DETERMINISTIC=1       torch.use_deterministic_algorithms(True), otherwise False
  TORCH_TF32=1                torch.set_float32_matmul_precision("high"): cuBLAS may use TF32;
                              otherwise "highest" (IEEE float32)
  CUBLAS_WORKSPACE_CONFIG     read by cuBLAS itself; PyTorch refuses torch.mm under deterministic
                              algorithms unless it is ":4096:8" or ":16:8"

Exit 77 (detaudit and CTest: skipped) with the reason as the last stderr line when this machine
cannot run it: PyTorch or numpy missing, no usable CUDA device, or the combination of settings
that PyTorch documents as refused (deterministic algorithms without CUBLAS_WORKSPACE_CONFIG).
Runs with PyTorch 1.13 and 2.x (set_float32_matmul_precision exists since 1.12). `--device cpu`
runs the same code on the CPU: only to test this program where there is no GPU (tests/cli).
"""
import argparse
import os
import sys

EXIT_SKIP = 77
SEED = 20260
ATOMIC_VALUES = 1 << 24
ATOMIC_BINS = 8
SUM_VALUES = 10**8
MATMUL_SIZE = 1024


def skip(reason):
    sys.stderr.flush()
    print(f"pytorch_gpu.py: skipped: {reason}", file=sys.stderr, flush=True)
    sys.exit(EXIT_SKIP)


def import_torch(device):
    try:
        import numpy  # noqa: F401  (tensor.numpy() needs it)
    except ImportError as e:
        skip(f"numpy is not importable by {sys.executable}: {e}")
    try:
        import torch
    except ImportError as e:
        skip(f"PyTorch is not importable by {sys.executable}: {e}")
    if device == "cuda" and not torch.cuda.is_available():
        skip(f"torch.cuda.is_available() is False: {cuda_reason(torch)}")
    return torch


def cuda_reason(torch):
    """Why PyTorch sees no CUDA device, in the driver's words where PyTorch gives them."""
    if torch.version.cuda is None:
        return f"PyTorch {torch.__version__} is built without CUDA"
    try:
        torch.cuda.init()  # raises with the driver's reason (no driver, no device)
    except Exception as e:  # noqa: BLE001 - any failure is the reason we report
        return f"PyTorch {torch.__version__} (CUDA {torch.version.cuda}): " + str(e).strip().splitlines()[0]
    return f"PyTorch {torch.__version__} (CUDA {torch.version.cuda}) found {torch.cuda.device_count()} devices"


def flag(name):
    return os.environ.get(name, "0") == "1"


def save(out_dir, name, tensor):
    import numpy as np

    np.save(os.path.join(out_dir, name), tensor.detach().cpu().numpy().astype(np.float32, copy=False))


def matmul(torch, gen, device, deterministic):
    a = torch.randn(MATMUL_SIZE, MATMUL_SIZE, device=device, generator=gen)
    b = torch.randn(MATMUL_SIZE, MATMUL_SIZE, device=device, generator=gen)
    try:
        return torch.mm(a, b)
    except RuntimeError as e:
        if deterministic and "CUBLAS_WORKSPACE_CONFIG" in str(e):
            skip("PyTorch refuses torch.mm with use_deterministic_algorithms(True) and "
                 f"CUBLAS_WORKSPACE_CONFIG={os.environ.get('CUBLAS_WORKSPACE_CONFIG', 'unset')}, as its "
                 "reproducibility notes document (set :4096:8 or :16:8)")
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="directory for the .npy outputs")
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                        help="cuda (default); cpu only to test this program without a GPU")
    args = parser.parse_args()
    device = args.device
    torch = import_torch(device)

    deterministic = flag("TORCH_DETERMINISTIC")
    tf32 = flag("TORCH_TF32")
    torch.use_deterministic_algorithms(deterministic)
    torch.set_float32_matmul_precision("high" if tf32 else "highest")
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, {name}; "
          f"deterministic={deterministic} tf32={tf32} "
          f"CUBLAS_WORKSPACE_CONFIG={os.environ.get('CUBLAS_WORKSPACE_CONFIG', 'unset')}", file=sys.stderr)

    # One generator on the device, seeded: every run draws the same inputs (Philox, fixed offsets).
    gen = torch.Generator(device=device)
    gen.manual_seed(SEED)
    # First, so that a refused combination is skipped before anything else is computed.
    product = matmul(torch, gen, device, deterministic)

    values = torch.rand(ATOMIC_VALUES, device=device, generator=gen) * 2 - 1
    index = torch.randint(0, ATOMIC_BINS, (ATOMIC_VALUES,), device=device, generator=gen)
    index_added = torch.zeros(ATOMIC_BINS, device=device).index_add_(0, index, values)
    scattered = torch.zeros(ATOMIC_BINS, device=device).scatter_add_(0, index, values)
    del values, index

    big = torch.rand(SUM_VALUES, device=device, generator=gen)
    big.mul_(2).sub_(1)
    total = torch.sum(big).reshape(1)
    if device == "cuda":
        torch.cuda.synchronize()

    save(args.out, "index_add.npy", index_added)
    save(args.out, "scatter_add.npy", scattered)
    save(args.out, "sum.npy", total)
    save(args.out, "matmul.npy", product)
    return 0


if __name__ == "__main__":
    sys.exit(main())
