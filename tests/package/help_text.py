"""Reads CLI11 --help texts the way a person does, independently of the shell and awk parsers in
packaging/ and scripts/gen-man-page.sh that the package tests check."""
import functools
import re
import subprocess


@functools.lru_cache(maxsize=None)
def help_text(binary, *subcommand):
    return subprocess.run([binary, *subcommand, "--help"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def section(text, title):
    """The lines of one "Title:" block, up to the next blank line."""
    lines, inside = [], False
    for line in text.splitlines():
        if line == title + ":":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            lines.append(line)
    return lines


def subcommands(binary):
    return [line.split()[0] for line in section(help_text(binary), "Subcommands") if re.match(r"^  \w", line)]


def options(text):
    """(names, takes_value, description) per option: names like ["-q", "--quiet"]."""
    found = []
    lines = section(text, "Options")
    for i, line in enumerate(lines):
        if not line.startswith("  -"):
            continue
        head, _, description = line[2:].partition("  ")
        if len(line) > 30 and line[29] == " " and line[30] != " ":
            head, description = line[2:29], line[30:]
        if not description.strip() and i + 1 < len(lines) and lines[i + 1].startswith("     "):
            description = lines[i + 1]
        words = head.split()
        found.append((words[0].split(","), len(words) > 1, " ".join(description.split())))
    return found


def long_options(text):
    return [name for names, _, _ in options(text) for name in names if name.startswith("--")]
