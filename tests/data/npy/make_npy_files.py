#!/usr/bin/python3
"""Writes the .npy/.npz test corpus for detaudit's reader and `detaudit compare`, and manifest.json
describing every file, so tests/unit/test_npy.cpp can check what it reads.

    /usr/bin/python3 tests/data/npy/make_npy_files.py      (numpy 1.24 wrote the committed files)

Everything is regenerated from scratch into this script's directory:

  valid/      every dtype detaudit reads (b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16) x C/Fortran
              order x little/big endian x format 1.0/2.0/3.0, written by numpy.lib.format.write_array;
              more shapes ((), (5,), (0,), (3, 0), (4, 1, 3), (2, 3, 4)); and hand-written headers
              numpy would also read (keys in another order, double quotes, '=' byte order, (3L,)).
  npz/        np.savez (stored members) and np.savez_compressed (deflated members).
  pairs/      arrays with known differences: ULP, absolute, NaN, dtype and shape mismatches.
  malformed/  files every reader must refuse with one clear error (never a crash), including the
              inputs on which the fuzzer (tests/fuzz/fuzz_npy.cpp) found bugs, kept byte for byte
              as malformed/fuzz_*.

manifest.json lists, for each valid array, its detaudit dtype name, shape and `data_hex`: the
elements' bytes, little-endian, in C order (what detaudit's Buffer holds after reading); for each
pair the expected comparison statistics; for each malformed file a substring of the error; and
`descrs`, numpy's descr string for each detaudit dtype name.
"""
import io
import json
import os
import shutil
import struct
import zipfile

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))

DTYPE_NAMES = {
    "b1": "bool", "i1": "i8", "i2": "i16", "i4": "i32", "i8": "i64", "u1": "u8", "u2": "u16",
    "u4": "u32", "u8": "u64", "f2": "f16", "f4": "f32", "f8": "f64", "c8": "c64", "c16": "c128",
}


def sample(code, shape):
    """Distinct, asymmetric values (so a wrong transpose or byte order shows), with each type's
    extremes and, for floats, -0.0, inf, NaN and a subnormal."""
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(code)
    if dt.kind == "b":
        flat = np.array([(i * 7 + 3) % 3 != 0 for i in range(n)], dtype=dt)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        base = [info.min, info.max, 1, 2, 3, (info.max // 3)] + ([-5, -1] if dt.kind == "i" else [5, 250])
        flat = np.array([base[i % len(base)] + (i // len(base)) * (1 if i % len(base) >= 2 else 0)
                         for i in range(n)], dtype=dt)
    elif dt.kind == "f":
        info = np.finfo(dt)
        base = [1.5, -0.0, np.inf, np.nan, -2.25, info.smallest_subnormal, info.max, 0.1, -7.0, 3.0]
        flat = np.array([base[i % len(base)] for i in range(n)], dtype=dt)
        shift = np.array([i // len(base) for i in range(n)], dtype=dt)
        flat = np.where(shift > 0, flat + shift, flat)  # distinct values; -0.0 + 0 would be +0.0
    else:
        part = np.dtype("f%d" % (dt.itemsize // 2))
        re = sample(part.str, (n,))
        im = sample(part.str, (n,))[::-1].copy()
        flat = np.empty(n, dtype=dt)  # set the parts directly: 1j * inf would put a NaN in the real part
        flat.real = re
        flat.imag = im
    return flat.reshape(shape)


def c_order_le_hex(arr):
    le = arr.astype(arr.dtype.newbyteorder("<")) if arr.dtype.itemsize > 1 else arr
    return le.tobytes(order="C").hex()


def entry(path, arr, **extra):
    code = arr.dtype.kind + str(arr.dtype.itemsize)
    return dict(file=os.path.relpath(path, HERE), dtype=DTYPE_NAMES[code], shape=list(arr.shape),
                data_hex=c_order_le_hex(arr), **extra)


def write(path, arr, version=(1, 0), fortran=False, big=False):
    a = arr
    if big and a.dtype.itemsize > 1:
        a = a.astype(a.dtype.newbyteorder(">"))
    a = np.array(a, order="F" if fortran else "C")  # as{fortran,contiguous}array make 0-d arrays 1-d
    with open(path, "wb") as f:
        npformat.write_array(f, a, version=version)
    # Check what numpy wrote: the order flag (for arrays where the orders differ) and the bytes.
    with open(path, "rb") as f:
        major, minor = npformat.read_magic(f)
        assert (major, minor) == version
    back = np.load(path)
    assert back.dtype == a.dtype and back.shape == arr.shape
    assert np.array_equal(back, arr, equal_nan=arr.dtype.kind in "fc")
    return entry(path, arr, version="%d.%d" % version, big_endian=big and a.dtype.itemsize > 1,
                 fortran_order=bool(a.flags.f_contiguous and not a.flags.c_contiguous))


def raw_npy(header, data=b"", version=(1, 0), magic=b"\x93NUMPY", length=None):
    """A .npy file with a hand-written header (padded like numpy: total a multiple of 64)."""
    head = header.encode("latin1") if isinstance(header, str) else header
    prefix_len = len(magic) + 2 + (2 if version[0] == 1 else 4)
    head += b" " * ((64 - (prefix_len + len(head) + 1) % 64) % 64) + b"\n"
    if length is None:
        length = len(head)
    size = struct.pack("<H", length) if version[0] == 1 else struct.pack("<I", length)
    return magic + bytes(version) + size + head + data


def write_bytes(path, content):
    with open(path, "wb") as f:
        f.write(content)


def make_valid(manifest):
    d = os.path.join(HERE, "valid")
    for code in DTYPE_NAMES:
        arr = sample(code if code != "b1" else "?", (2, 3))
        for version in [(1, 0), (2, 0), (3, 0)]:
            for fortran in (False, True):
                for big in (False, True) if np.dtype(code).itemsize > 1 else (False,):
                    name = "%s_%s_%s_v%d.npy" % (code, "F" if fortran else "C", "be" if big else "le", version[0])
                    manifest["valid"].append(write(os.path.join(d, name), arr, version, fortran, big))
    for code in ("f4", "i2", "c16", "b1"):
        for shape in [(), (5,), (0,), (3, 0), (1, 4), (4, 1, 3), (2, 3, 4)]:
            arr = sample(code if code != "b1" else "?", shape)
            for fortran, big in [(False, False), (True, True), (True, False)]:
                tag = "x".join(map(str, shape)) or "scalar"
                name = "shape_%s_%s_%s_%s.npy" % (code, tag, "F" if fortran else "C", "be" if big else "le")
                manifest["valid"].append(write(os.path.join(d, name), arr, (1, 0), fortran, big))

    # Headers numpy reads although it never writes them like this.
    f8 = sample("f8", (2, 3))
    i4 = sample("i4", (4,))
    u2 = sample("u2", (3,))
    f4 = sample("f4", (2, 2))
    hand = [
        ("hand_key_order.npy", "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}", f8, f8.tobytes(), (1, 0)),
        ("hand_double_quotes_native.npy", '{ "descr" : "=i4" ,\t"fortran_order":False,"shape":( 4 , ) , }', i4,
         i4.astype("<i4").tobytes(), (1, 0)),
        ("hand_python2_long.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (3L,), }", u2,
         u2.astype("<u2").tobytes(), (1, 0)),
        ("hand_no_byte_order.npy", "{'descr': 'f4', 'fortran_order': False, 'shape': (2, 2)}", f4,
         f4.astype("<f4").tobytes(), (2, 0)),
        ("hand_v3_utf8_fortran_be.npy", "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }", f8,
         f8.astype(">f8").T.copy().tobytes(), (3, 0)),
        ("hand_fortran_empty.npy", "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 2, 3), }",
         np.zeros((0, 2, 3)), b"", (1, 0)),
        ("hand_trailing_bytes.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }", i4,
         i4.astype("<i4").tobytes() + b"extra", (1, 0)),
    ]
    for name, header, arr, data, version in hand:
        path = os.path.join(d, name)
        write_bytes(path, raw_npy(header, data, version))
        back = np.load(path)
        assert np.array_equal(back, arr, equal_nan=True), name
        manifest["valid"].append(entry(path, arr, version="%d.%d" % version))


def make_npz(manifest):
    d = os.path.join(HERE, "npz")
    arrays = {"weights": np.asfortranarray(sample("f4", (3, 2)).astype(">f4")), "index": sample("i2", (5,)),
              "scalar": sample("c16", ()), "mask": sample("?", (2, 2))}
    for name, save in [("stored.npz", np.savez), ("compressed.npz", np.savez_compressed)]:
        path = os.path.join(d, name)
        save(path, **arrays)
        with zipfile.ZipFile(path) as z:
            methods = {i.compress_type for i in z.infolist()}
        assert methods == ({zipfile.ZIP_STORED} if save is np.savez else {zipfile.ZIP_DEFLATED}), methods
        manifest["npz"].append(dict(file=os.path.relpath(path, HERE), members=[
            dict(name=k, **{key: v for key, v in entry(path, np.asarray(a)).items() if key != "file"})
            for k, a in arrays.items()]))
    # A pair of archives with one differing member, for `detaudit compare`.
    other = dict(arrays)
    w = np.ascontiguousarray(arrays["weights"]).astype("<f4")
    w[0, 0] = np.nextafter(w[0, 0], np.float32(np.inf))  # 1.5 -> 1 ULP above
    other["weights"] = w
    np.savez(os.path.join(d, "stored_one_member_differs.npz"), **other)
    empty = os.path.join(d, "empty.npz")
    np.savez(empty)
    manifest["npz"].append(dict(file=os.path.relpath(empty, HERE), members=[]))


def ulp_steps(x, steps):
    for _ in range(abs(steps)):
        x = np.nextafter(x, x.dtype.type(np.inf if steps > 0 else -np.inf))
    return x


def make_pairs(manifest):
    d = os.path.join(HERE, "pairs")

    def pair(a_name, a, b_name, b, **expected):
        np.save(os.path.join(d, a_name), a)
        np.save(os.path.join(d, b_name), b)
        manifest["pairs"].append(dict(a="pairs/" + a_name, b="pairs/" + b_name, **expected))

    base = np.linspace(-3, 5, 16, dtype=np.float32)
    ulp1 = base.copy()
    ulp1[3] = ulp_steps(base[3], 1)
    ulp3 = base.copy()
    ulp3[5] = ulp_steps(base[5], 3)
    ulp3[11] = ulp_steps(base[11], -2)

    def stats(a, b, index_list):
        da, db = a.astype(np.float64), b.astype(np.float64)
        abs_d = np.abs(da - db)
        rel = max(abs(x - y) / max(abs(x), abs(y)) for x, y in zip(da, db) if x != y)
        return dict(max_abs=float(abs_d.max()), max_rel=float(rel), first_index=index_list[0],
                    differing_elements=len(index_list))

    np.save(os.path.join(d, "f32_base.npy"), base)
    np.save(os.path.join(d, "f32_base_copy.npy"), base.copy())
    manifest["pairs"].append(dict(a="pairs/f32_base.npy", b="pairs/f32_base_copy.npy", identical=True,
                                  dtype="f32", differing_elements=0, max_ulp=0, max_abs=0.0, max_rel=0.0,
                                  nan_mismatches=0))
    pair("f32_base.npy", base, "f32_ulp1.npy", ulp1, identical=False, dtype="f32", max_ulp=1,
         nan_mismatches=0, **stats(base, ulp1, [3]))
    pair("f32_base.npy", base, "f32_ulp3.npy", ulp3, identical=False, dtype="f32", max_ulp=3,
         nan_mismatches=0, **stats(base, ulp3, [5, 11]))

    ibase = np.arange(-4, 8, dtype=np.int32) * 1000
    idiff = ibase.copy()
    idiff[2] += 5
    idiff[7] -= 3
    # An integer's ULP is 1: its ULP distance is |a - b| (docs/algorithms.md).
    pair("i32_base.npy", ibase, "i32_diff5.npy", idiff, identical=False, dtype="i32", max_ulp=5,
         nan_mismatches=0, **stats(ibase, idiff, [2, 7]))

    f64 = np.array([1.0, 2.0, np.nan, -0.0, 1e300], dtype=np.float64)
    f64b = f64.copy()
    f64b[2] = 7.0   # NaN vs a number: a NaN mismatch, not a ULP distance
    f64b[3] = 0.0   # -0 vs +0: bits differ, 0 ULP apart
    pair("f64_nan.npy", f64, "f64_nan_vs_number.npy", f64b, identical=False, dtype="f64", max_ulp=0,
         nan_mismatches=1, differing_elements=2, first_index=2, max_abs=0.0, max_rel=0.0)

    h = np.array([1.0, -2.5, 65504.0, 6e-8], dtype=np.float16)
    hb = h.copy()
    hb[1] = ulp_steps(h[1], 2)
    pair("f16_base.npy", h, "f16_ulp2.npy", hb, identical=False, dtype="f16", max_ulp=2, nan_mismatches=0,
         **stats(h, hb, [1]))

    c = (np.arange(6, dtype=np.float32) + 1j * np.arange(6, 12, dtype=np.float32)).astype(np.complex64)
    cb = c.copy()
    cb.imag[4] = ulp_steps(c.imag[4], 2)
    cb.real[1] = ulp_steps(c.real[1], -1)
    parts_a = c.view(np.float32).astype(np.float64)
    parts_b = cb.view(np.float32).astype(np.float64)
    pair("c64_base.npy", c, "c64_parts.npy", cb, identical=False, dtype="c64", max_ulp=2, nan_mismatches=0,
         differing_elements=2, first_index=1, max_abs=float(np.abs(parts_a - parts_b).max()),
         max_rel=float(max(abs(x - y) / max(abs(x), abs(y)) for x, y in zip(parts_a, parts_b) if x != y)))

    pair("shape_16.npy", base, "shape_4x4.npy", base.reshape(4, 4), identical=False, dtype="f32",
         shape_mismatch=True)
    pair("dtype_f32.npy", base, "dtype_f64.npy", base.astype(np.float64), identical=False, dtype="f32",
         shape_mismatch=True)


def make_malformed(manifest):
    d = os.path.join(HERE, "malformed")

    def bad(name, content, error):
        write_bytes(os.path.join(d, name), content)
        manifest["malformed"].append(dict(file="malformed/" + name, error=error))

    good = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
    data = sample("f8", (2, 3)).tobytes()
    bad("bad_magic.npy", raw_npy(good, data, magic=b"\x93NUMPZ"), "bad magic")
    bad("text.npy", b"hello, this is not numpy\n", "bad magic")
    bad("empty.npy", b"", "bad magic")
    bad("magic_only.npy", b"\x93NUMPY", "truncated .npy header")
    bad("version_4.npy", raw_npy(good, data, version=(4, 0)), "unsupported .npy format version 4.0")
    bad("version_1_1.npy", raw_npy(good, data, version=(1, 1)), "unsupported .npy format version 1.1")
    bad("truncated_data.npy", raw_npy(good, data[:-5]), "truncated data: expected 48 bytes, got 43")
    bad("no_data.npy", raw_npy(good), "truncated data: expected 48 bytes, got 0")
    bad("huge_claim.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }"),
        "truncated data: expected 8000000000 bytes, got 0")
    bad("truncated_header.npy", raw_npy(good)[:40], "truncated .npy header")
    bad("header_too_long.npy", raw_npy(good, data, version=(2, 0), length=0x7FFFFFFF), "header too long")
    obj = io.BytesIO()
    np.save(obj, np.array([{"a": 1}, None, "text"], dtype=object), allow_pickle=True)
    bad("object.npy", obj.getvalue(), "object/structured arrays are not supported")
    structured = io.BytesIO()
    np.save(structured, np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")]))
    bad("structured.npy", structured.getvalue(), "object/structured arrays are not supported")
    bad("void.npy", raw_npy("{'descr': '|V8', 'fortran_order': False, 'shape': (2,), }", bytes(16)),
        "object/structured arrays are not supported")
    unicode = io.BytesIO()
    np.save(unicode, np.array(["ab", "c"]))
    bad("unicode.npy", unicode.getvalue(), "unsupported dtype '<U2'")
    bad("datetime.npy", raw_npy("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,), }", bytes(8)),
        "unsupported dtype")
    bad("long_double.npy", raw_npy("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", bytes(16)),
        "unsupported dtype")
    bad("header_garbage.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), @@@}", data),
        "malformed .npy header")
    bad("header_binary.npy", raw_npy(bytes(range(256)) * 2, data), "malformed .npy header")
    bad("header_not_dict.npy", raw_npy("['descr', '<f8']", data), "malformed .npy header")
    bad("header_after_dict.npy", raw_npy(good + " x", data), "unexpected text after the dictionary")
    bad("missing_shape.npy", raw_npy("{'descr': '<f8', 'fortran_order': False}", data), "missing key 'shape'")
    bad("extra_key.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'x': 1}", data),
        "unexpected key 'x'")
    bad("duplicate_key.npy", raw_npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}",
                                     data), "appears twice")
    bad("shape_not_tuple.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': 6}", data),
        "'shape' must be a tuple")
    bad("shape_parenthesised_int.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", data),
        "'shape' must be a tuple")
    bad("shape_float.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}", data),
        "malformed .npy header")
    bad("shape_negative.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}", data),
        "negative dimension")
    bad("shape_overflow.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
                                      data), "shape overflow")
    bad("shape_bytes_overflow.npy",
        raw_npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1152921504606846976, 2)}", data),
        "shape overflow")
    bad("shape_huge_dim.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
                                      data), "shape overflow")
    bad("fortran_not_bool.npy", raw_npy("{'descr': '<f8', 'fortran_order': 0, 'shape': (6,)}", data),
        "'fortran_order' must be True or False")
    bad("unterminated_string.npy", raw_npy("{'descr': '<f8, 'fortran_order': False, 'shape': (6,)}", data),
        "malformed .npy header")
    bad("deep_nesting.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 40 + ")" * 40 +
                                    "}", data), "nested too deeply")
    bad("descr_not_string.npy", raw_npy("{'descr': 8, 'fortran_order': False, 'shape': (6,)}", data),
        "'descr' must be a string")

    # Archives.
    def npz(name, members, error):
        path = os.path.join(d, name)
        with zipfile.ZipFile(path, "w") as z:
            for member, content in members:
                # A fixed date, so that regenerating the files gives the same bytes.
                z.writestr(zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0)), content)
        manifest["malformed"].append(dict(file="malformed/" + name, error=error, npz=True))

    ok = io.BytesIO()
    np.save(ok, sample("f4", (3,)))
    npz("npz_bad_member.npz", [("fine.npy", ok.getvalue()), ("broken.npy", b"\x93NUMPX")],
        "broken.npy: not a .npy file (bad magic")
    npz("npz_truncated_member.npz", [("short.npy", ok.getvalue()[:-3])], "short.npy: truncated data")
    npz("npz_not_npy_member.npz", [("fine.npy", ok.getvalue()), ("notes.txt", b"hello")],
        "not a .npy member")
    with open(os.path.join(HERE, "npz", "stored.npz"), "rb") as f:
        stored = f.read()
    bad_zip = os.path.join(d, "npz_cut_in_half.npz")
    write_bytes(bad_zip, stored[:len(stored) // 2])
    manifest["malformed"].append(dict(file="malformed/npz_cut_in_half.npz", error="not a readable .npz", npz=True))

    # Found by the fuzzer, as it wrote them. Each was a bug; the error is what the fixed reader says.
    for name, content, error, is_npz in FUZZ_FOUND:
        write_bytes(os.path.join(d, name), bytes.fromhex(content))
        entry = dict(file="malformed/" + name, error=error)
        if is_npz:
            entry["npz"] = True
        manifest["malformed"].append(entry)


# (file name, bytes in hex, error substring, read as .npz)
FUZZ_FOUND = [
    # A member name holding a newline (central directory bytes): the error spanned two lines.
    ("fuzz_npz_member_name_newline.npz",
     "504b03041400000000003380785d142d8cc389000000890000000900000073686f72742e6e7079934e554d5059010076007b"
     "2764655c6372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c28277368617065273a2028"
     "332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
     "202020202020202020202020202020200a0000c03f0000008000504b010214031401000000003380785d142d8cc389000000"
     "89000000090000000000000020202020202020202020202020202020200a0000c03f0000008000504b000000008001000000"
     "0073686f72742e6e7079504b0506000000000100010037000000b00000000000",
     "? : not a .npy member (an .npz holds only .npy files)", True),
]


def main():
    for sub in ("valid", "npz", "pairs", "malformed"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
        os.makedirs(os.path.join(HERE, sub))
    manifest = {"generated_by": "tests/data/npy/make_npy_files.py", "numpy": np.__version__,
                # numpy's own spelling of each dtype detaudit writes (little-endian), for numpy_descr.
                "descrs": {name: np.dtype(code).newbyteorder("<").str for code, name in DTYPE_NAMES.items()},
                "valid": [], "npz": [], "pairs": [], "malformed": []}
    make_valid(manifest)
    make_npz(manifest)
    make_pairs(manifest)
    make_malformed(manifest)
    # One entry per line: short, and a regenerated manifest diffs line by line.
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        f.write("{\n")
        keys = list(manifest)
        for k, key in enumerate(keys):
            value = manifest[key]
            comma = "," if k + 1 < len(keys) else ""
            if isinstance(value, list):
                f.write(' "%s": [\n' % key)
                f.write(",\n".join("  " + json.dumps(item) for item in value))
                f.write("\n ]%s\n" % comma)
            else:
                f.write(' "%s": %s%s\n' % (key, json.dumps(value), comma))
        f.write("}\n")
    with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as f:
        assert json.load(f) == manifest
    print("wrote %d valid files, %d archives, %d pairs, %d malformed files"
          % (len(manifest["valid"]), len(manifest["npz"]), len(manifest["pairs"]), len(manifest["malformed"])))


if __name__ == "__main__":
    main()
