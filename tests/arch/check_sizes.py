#!/usr/bin/env python3
"""Fails on a source file over MAX_FILE_LINES lines or a function over MAX_FUNCTION_LINES lines.

Small files with one job each (ARCHITECTURE.md): app/, lib/ and kernels/ are checked; tests/
and generated data are not. A function's length is counted from the line of its opening brace
to the line of its closing one; lambdas and local classes count as part of the function that
holds them. KNOWN_LARGE lists the files still waiting for their split, each with the file and
function sizes it may not exceed: the list may only shrink.

usage: check_sizes.py SOURCE_DIR
"""
import re
import sys

from arch_sources import run_check, source_files

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80

# file -> (most lines, longest function) it may keep until it is split (issue 14).
KNOWN_LARGE = {}

SCOPE_HEADER = re.compile(r"\b(namespace|class|struct|union|enum)\b[^()]*$|extern\s+\"C\"\s*$")
FUNCTION_HEADER = re.compile(r"\)\s*(const|noexcept|override|final|mutable|->\s*[\w:<>,\s*&]+|\s)*$"
                             r"|\)\s*:\s*[\w:]+\s*[({].*$")
CONTROL = re.compile(r"^\s*(if|for|while|switch|catch|do|else)\b")


def strip_code(text):
    """The text with comments, string and character literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            open_paren = text.find("(", i + 2)
            delim = text[i + 2:open_paren]
            end = text.find(")" + delim + '"', open_paren)
            end = n if end < 0 else end + len(delim) + 2
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(text, limit):
    """(first line, lines) of each function body longer than `limit` lines."""
    code = strip_code(text)
    found = []
    stack = []  # (kind, line) per open brace: scope, function or block
    header_start = 0
    line = 1
    for pos, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c in ";}":
            if c == "}" and stack:
                kind, start = stack.pop()
                if kind == "function" and line - start + 1 > limit:
                    found.append((start, line - start + 1))
            header_start = pos + 1
        elif c == "{":
            header = code[header_start:pos]
            header = re.sub(r"^\s*#.*$", "", header, flags=re.MULTILINE).strip()
            in_function = any(kind == "function" for kind, _ in stack)
            if in_function:
                kind = "block"
            elif SCOPE_HEADER.search(header) and "(" not in header.split("{")[-1].split("=")[0][-1:]:
                kind = "scope"
            elif FUNCTION_HEADER.search(header) and not CONTROL.match(header) and "=" not in header.split("(")[0]:
                kind = "function"
            else:
                kind = "block"
            stack.append((kind, line))
            header_start = pos + 1
    return found


def violations(source_dir):
    found = []
    for _, rel, text in source_files(source_dir):
        lines = text.count("\n")
        limit, function_limit = KNOWN_LARGE.get(rel, (MAX_FILE_LINES, MAX_FUNCTION_LINES))
        if lines > limit:
            found.append(f"{rel}: {lines} lines (at most {limit}): split it by job")
        for start, length in long_functions(text, function_limit):
            found.append(f"{rel}:{start}: a function of {length} lines (at most {function_limit})")
    return found


def main():
    return run_check(__doc__, violations, "size violation(s)", "every file and function is within its size")


if __name__ == "__main__":
    sys.exit(main())
