"""What the architecture checks share: the source files they read and how they report."""
import os
import sys

CHECKED = ("app", "lib", "kernels")
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cu", ".cuh")


def source_files(source_dir):
    """(path, path relative to source_dir, text) of every source file of app/, lib/ and kernels/."""
    for top in CHECKED:
        for root, _, files in os.walk(os.path.join(source_dir, top)):
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    yield path, os.path.relpath(path, source_dir), f.read()


def run_check(doc, violations, what, all_good):
    """The command line of a check: usage SOURCE_DIR; prints each violation; exit 1 when any."""
    if len(sys.argv) != 2:
        print(doc, file=sys.stderr)
        return 2
    found = violations(os.path.abspath(sys.argv[1]))
    for line in found:
        print(line)
    print(f"{len(found)} {what}" if found else all_good)
    return 1 if found else 0
