#!/usr/bin/python3
"""numpy reads what detaudit's .npy writer wrote, for every dtype x memory order x byte order x
format version x shape (tests/npy/write_matrix.cpp writes them):

    check_with_numpy.py NPY_WRITE_MATRIX SCRATCH_DIR

For each file: the format version numpy finds (auto must be 1.0 for these small headers), the
dtype and its byte order, the memory order numpy reports, the shape, and every element's bits
against the pattern the writer used. Needs numpy (Debian's /usr/bin/python3).
"""
import itertools
import os
import shutil
import subprocess
import sys

import numpy as np
from numpy.lib import format as npformat

DTYPES = {"bool": "?", "i8": "i1", "i16": "i2", "i32": "i4", "i64": "i8", "u8": "u1", "u16": "u2",
          "u32": "u4", "u64": "u8", "f16": "f2", "f32": "f4", "f64": "f8", "c64": "c8", "c128": "c16"}
SHAPES = {"scalar": (), "5": (5,), "0x3": (0, 3), "3x1x2": (3, 1, 2), "2x3x4": (2, 3, 4)}
VERSIONS = {"auto": (1, 0), "v1": (1, 0), "v2": (2, 0), "v3": (3, 0)}


def expected_bytes(name, dtype, count):
    size = dtype.itemsize * count
    if name == "bool":
        return bytes(int(i % 3 == 0) for i in range(size))
    return bytes((37 * i + 11) & 0xFF for i in range(size))


def check(path, name, order, endian, version, shape):
    with open(path, "rb") as f:
        got_version = npformat.read_magic(f)
    assert got_version == VERSIONS[version], (path, got_version)
    arr = np.load(path)
    base = np.dtype(DTYPES[name])
    assert arr.dtype.newbyteorder("<") == base.newbyteorder("<"), (path, arr.dtype)
    if base.itemsize > 1:
        # numpy spells this machine's order '=' rather than '<'.
        expected = (">",) if endian == "be" else ("<", "=")
        assert arr.dtype.byteorder in expected, (path, arr.dtype.byteorder)
    assert arr.shape == SHAPES[shape], (path, arr.shape)
    non_trivial = sum(d > 1 for d in arr.shape)
    if non_trivial > 1:
        # numpy maps a Fortran-order file to an F-contiguous array, a C-order one to C-contiguous.
        assert arr.flags.f_contiguous == (order == "F") and arr.flags.c_contiguous == (order == "C"), path
    # The elements' bits, little-endian, in C order (byteswap is a bit-exact swap of each part).
    little = arr.byteswap() if arr.dtype.byteorder == ">" else arr  # this test runs on little-endian x86
    got = np.ascontiguousarray(little).tobytes(order="C")
    assert got == expected_bytes(name, base, arr.size), path


def main():
    writer, scratch = sys.argv[1], sys.argv[2]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    subprocess.run([writer, scratch], check=True)
    count = 0
    for name, order, endian, version, shape in itertools.product(DTYPES, "CF", ("le", "be"), VERSIONS, SHAPES):
        check(os.path.join(scratch, "%s_%s_%s_%s_%s.npy" % (name, order, endian, version, shape)),
              name, order, endian, version, shape)
        count += 1
    assert count == len(os.listdir(scratch)) == 14 * 2 * 2 * 4 * 5, count
    print("numpy %s read %d files written by detaudit: every value, dtype, order and version as written"
          % (np.__version__, count))
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
