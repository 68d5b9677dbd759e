"""detaudit_trace: write a detaudit trace (docs/trace.md) from a Python program.

    import detaudit_trace as dt
    with dt.step(7):
        dt.record("fc2.weight.grad", grad, inputs=["fc2/out"])

Nothing is written unless the environment variable DETAUDIT_TRACE names the trace file; record()
then returns at once, so the calls can stay in production code. numpy is the only requirement;
torch is imported only when a torch tensor or watch()/watch_ops() is used.
"""
import atexit
import fnmatch
import hashlib
import json
import os
import sys
import threading

__all__ = ["record", "step", "watch", "watch_ops", "digest", "enabled", "close"]

FORMAT_VERSION = 1
_PRODUCER = "detaudit_trace.py 1"

try:
    import xxhash as _xxhash
    _xxh3_128_hex = _xxhash.xxh3_128_hexdigest
    _DIGEST_NAME = "xxh3-128"
except (ImportError, AttributeError):  # no python3-xxhash, or one older than XXH3 (< 1.4)
    _xxh3_128_hex = None
    _DIGEST_NAME = "blake2b-128"


def _blake2b_128_hex(buf):
    return hashlib.blake2b(buf, digest_size=16).hexdigest()


_hex_digest = _xxh3_128_hex or _blake2b_128_hex

# dtype names of docs/trace.md, keyed by numpy's dtype.str without the byte-order character.
_NUMPY_DTYPES = {"f2": "f16", "f4": "f32", "f8": "f64", "i1": "i8", "i2": "i16", "i4": "i32",
                 "i8": "i64", "u1": "u8", "u2": "u16", "u4": "u32", "u8": "u64", "b1": "bool",
                 "c8": "c64", "c16": "c128"}


def _as_numpy(value):
    """(contiguous little-endian numpy array, dtype name, the array to keep as values)."""
    import numpy as np
    if isinstance(value, np.ndarray) or np.isscalar(value) and not isinstance(value, (str, bytes)):
        a = np.asarray(value)
    elif type(value).__module__.startswith("torch"):
        return _torch_as_numpy(value)
    elif hasattr(value, "numpy"):  # tf.Tensor, jax arrays: their own host copy
        a = np.asarray(value.numpy())
    else:
        a = np.asarray(value)
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("<"))
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)  # (not for 0-d arrays: it would make them 1-d)
    name = _NUMPY_DTYPES.get(a.dtype.str[1:])
    if name is None:
        raise TypeError(f"detaudit_trace: unsupported dtype {a.dtype} (see docs/trace.md)")
    return a, name, a


def _torch_as_numpy(t):
    import torch
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        # numpy has no bf16: digest the raw 2-byte patterns, keep values as exact f32.
        return t.view(torch.int16).numpy(), "bf16", t.float().numpy()
    a = t.numpy()
    return a, _NUMPY_DTYPES[a.dtype.str[1:]], a


def digest(value):
    """The record digest of a value: XXH3-128 of its raw little-endian bytes (hex)."""
    a = _as_numpy(value)[0]
    return _hex_digest(a)


class _Writer:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.seq = 0
        self.prefix = ""
        self.last = {}  # name -> digest of its latest record, so inputs may name earlier records
        self.globs = [g for g in os.environ.get("DETAUDIT_TRACE_VALUES", "").split(",") if g]
        self.values_dir = path + ".values"
        self.file = open(path, "w", encoding="utf-8")
        self.file.write(json.dumps({"detaudit_trace": FORMAT_VERSION, "digest": _DIGEST_NAME,
                                    "producer": _PRODUCER}) + "\n")
        if _xxh3_128_hex is None:
            print("detaudit_trace: python xxhash (XXH3) missing: digests are BLAKE2b-128, "
                  "comparable only with traces written the same way", file=sys.stderr)

    def input_digest(self, x):
        if isinstance(x, str):
            if x in self.last:
                return self.last[x]
            full = self.prefix + x
            if full in self.last:
                return self.last[full]
            if len(x) == 32 and all(c in "0123456789abcdef" for c in x):
                return x  # already a digest
            raise KeyError(f"detaudit_trace: input {x!r} names no earlier record")
        return digest(x)

    def record(self, name, value, inputs, keep):
        a, dtype, kept = _as_numpy(value)
        d = _hex_digest(a)
        ins = [self.input_digest(x) for x in inputs] if inputs else None
        with self.lock:
            full = self.prefix + name
            seq = self.seq
            self.seq += 1
            rec = {"seq": seq, "name": full, "dtype": dtype, "shape": list(a.shape), "digest": d}
            if ins:
                rec["inputs"] = ins
            if keep or (self.globs and any(fnmatch.fnmatchcase(full, g) for g in self.globs)):
                rec["values"] = self.save_values(seq, kept)
            self.last[full] = d
            self.last[name] = d
            self.file.write(json.dumps(rec, separators=(",", ":")) + "\n")
        return d

    def save_values(self, seq, kept):
        import numpy as np
        os.makedirs(self.values_dir, exist_ok=True)
        file_name = f"{seq:09d}.npy"
        np.save(os.path.join(self.values_dir, file_name), kept)
        return os.path.basename(self.values_dir) + "/" + file_name

    def close(self):
        with self.lock:
            if self.file is not None:
                self.file.write(json.dumps({"end": self.seq}) + "\n")
                self.file.close()
                self.file = None


_writer = None
_path = os.environ.get("DETAUDIT_TRACE")


def enabled():
    return bool(_path)


def _open():
    global _writer
    if _writer is None:
        _writer = _Writer(_path)
        atexit.register(close)
    return _writer


def record(name, value, inputs=None, keep=False):
    """Append one record; returns its digest, or None when DETAUDIT_TRACE is unset."""
    if not _path:
        return None
    return (_writer or _open()).record(name, value, inputs, keep)


def close():
    """Write the footer and close the trace (also done at exit)."""
    if _writer is not None:
        _writer.close()


class step:
    """`step(7)` sets the name prefix "step 7/" now; `with step(7):` restores the previous one."""

    def __init__(self, n):
        self.previous = None
        if _path:
            w = _writer or _open()
            self.previous = w.prefix
            w.prefix = f"step {n}/"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if _writer is not None and self.previous is not None:
            _writer.prefix = self.previous
        return False


def _tensors(obj):
    import torch
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _tensors(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _tensors(x)


class _Handles:
    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []


def watch(module, name=None):
    """Forward hooks on every submodule of a torch.nn.Module (and gradient hooks on its
    parameters when it is training). Returns a handle with .remove(). No-op when unset."""
    if not _path:
        return _Handles([])
    handles = []
    root = name or type(module).__name__
    for sub_name, sub in module.named_modules():
        label = f"{root}.{sub_name}" if sub_name else root

        def hook(_mod, inp, out, label=label):
            ins = [digest(t) for t in _tensors(inp)]
            outs = list(_tensors(out))
            for i, t in enumerate(outs):
                record(label if len(outs) == 1 else f"{label}/{i}", t, inputs=ins)
        handles.append(sub.register_forward_hook(hook))
    if module.training:
        for p_name, p in module.named_parameters():
            if p.requires_grad:
                def grad_hook(g, label=f"{root}.{p_name}.grad"):
                    record(label, g)  # returns None: the gradient is left unchanged
                handles.append(p.register_hook(grad_hook))
    return _Handles(handles)


def watch_ops():
    """A context manager recording every ATen op's outputs with the digests of its tensor inputs
    (a TorchDispatchMode; torch >= 1.13). A no-op context manager when unset."""
    import contextlib
    if not _path:
        return contextlib.nullcontext()
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    class _OpRecorder(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            # Inputs first: an in-place op (add_) overwrites one of them.
            ins = [digest(t) for t in _tensors((args, kwargs or {}))]
            out = func(*args, **(kwargs or {}))
            outs = list(_tensors(out))
            op = str(func.overloadpacket.__name__) if hasattr(func, "overloadpacket") else str(func)
            for i, t in enumerate(outs):
                record(f"aten.{op}" if len(outs) == 1 else f"aten.{op}/{i}", t, inputs=ins)
            return out

    del torch
    return _OpRecorder()
