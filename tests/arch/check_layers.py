#!/usr/bin/env python3
"""Fails when a folder includes a header from a folder it may not depend on.

The folders depend one way (ARCHITECTURE.md):
app -> audit -> backends -> scenario -> catalog -> report -> trace -> compare/exec -> io -> env -> common,
and kernels/common <- kernels/cpu, kernels/cuda (the two never include each other).
ALLOWED lists, per folder, the include prefixes it may use besides its own folder.

usage: check_layers.py SOURCE_DIR
"""
import os
import re
import sys

from arch_sources import run_check, source_files

LIB = ["lib/" + f for f in ("audit", "backends", "scenario", "catalog", "report", "trace",
                             "compare", "exec", "io", "env", "common")]


def below(folder):
    """The lib folders a lib folder may include: those after it in the layer order."""
    return LIB[LIB.index(folder) + 1:]


ALLOWED = {
    "app": LIB + ["kernels/common", "kernels/cpu", "kernels/cuda"],
    "lib/audit": below("lib/audit") + ["kernels/common"],
    "lib/backends": below("lib/backends") + ["kernels/common", "kernels/cpu", "kernels/cuda"],
    "lib/scenario": below("lib/scenario") + ["kernels/common"],
    "lib/catalog": below("lib/catalog") + ["kernels/common"],
    "lib/report": below("lib/report"),
    "lib/trace": below("lib/trace"),
    "lib/compare": ["lib/io", "lib/env", "lib/common", "kernels/common"],
    "lib/exec": ["lib/io", "lib/env", "lib/common"],
    "lib/io": ["lib/env", "lib/common"],
    "lib/env": ["lib/common", "kernels/common", "kernels/cpu"],  # the BLAS the CPU kernels link
    "lib/common": [],
    "kernels/common": [],
    "kernels/cpu": ["kernels/common"],
    "kernels/cuda": ["kernels/common"],
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def folder_of(rel_path):
    for folder in sorted(ALLOWED, key=len, reverse=True):
        if rel_path.startswith(folder + "/"):
            return folder
    return None


def resolve(source_dir, including_file, target):
    """The repository-relative path an include names: relative to the file, then to lib/ and the root."""
    candidates = [os.path.join(os.path.dirname(including_file), target),
                  os.path.join(source_dir, "lib", target), os.path.join(source_dir, target)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.relpath(os.path.realpath(candidate), os.path.realpath(source_dir))
    return None


def violations(source_dir):
    found = []
    for path, rel, text in source_files(source_dir):
        folder = folder_of(rel)
        if folder is None:
            found.append(f"{rel}: folder not in the layer table of {__file__}")
            continue
        for target in INCLUDE.findall(text):
            target_rel = resolve(source_dir, path, target)
            if target_rel is None:
                continue  # a system or generated header
            target_folder = folder_of(target_rel)
            if target_folder in (None, folder) or target_folder in ALLOWED[folder]:
                continue
            found.append(f"{rel}: includes {target_rel} ({folder} may not depend on {target_folder})")
    return found


def main():
    return run_check(__doc__, violations, "layering violation(s)", "layers: every include goes down")


if __name__ == "__main__":
    sys.exit(main())
