#!/usr/bin/env bash
# Writes the man page detaudit.1 from the binary's own --help texts, so the two never disagree:
#
#   scripts/gen-man-page.sh path/to/detaudit OUT.1
#
# help2man turns `detaudit --help` and `--version` into the page; every subcommand listed under
# "Subcommands:" gets its own subsection of COMMANDS, converted here from `detaudit SUB --help`;
# packaging/detaudit.h2m adds the fixed sections (FILES, EXAMPLES, SEE ALSO). The build runs this
# (cmake/Install.cmake); CTest package_man_page checks the result against --help.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:?usage: gen-man-page.sh path/to/detaudit OUT.1}
out=${2:?usage: gen-man-page.sh path/to/detaudit OUT.1}
command -v help2man >/dev/null || { echo "gen-man-page.sh: help2man is not installed (apt-get install help2man)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One subcommand's --help as man(7) text: the first line is its description, "Usage:" its synopsis,
# "Positionals:" and "Options:" lists of tagged paragraphs (a description that CLI11 moved to the
# next line continues the paragraph). A footer (exit codes, docs) that is the top-level help's is in
# the page once; one of the subcommand's own (compare's exit codes) is kept.
help_to_man() {
    awk -v sub_name="$1" -v top_footer="$2" '
        function roff(text) {
            gsub(/\\/, "\\e", text)
            gsub(/-/, "\\-", text)
            if (text ~ /^[.\047]/) text = "\\&" text
            return text
        }
        NR == 1 { print ".SS \"detaudit " sub_name "\""; print roff($0); next }
        /^Usage: / { sub(/^Usage: /, ""); print ".PP"; print "\\fBUsage:\\fR " roff($0); next }
        /^(Positionals|Options):$/ { print ".PP"; print "\\fB" $0 "\\fR"; in_list = 1; next }
        /^$/ { in_list = 0; blank = 1; next }
        blank { print ".PP"; blank = 0 }
        in_list && /^      / { sub(/^ +/, ""); print roff($0); next }
        in_list && /^  [^ ]/ {
            # CLI11 starts descriptions in column 30; a longer name moves its description to the
            # next line, and a name that ends at column 29 leaves only one space before it.
            if (length($0) > 30 && substr($0, 30, 1) == " " && substr($0, 31, 1) != " ") {
                names = substr($0, 3, 27); rest = substr($0, 31)
            } else {
                names = substr($0, 3); rest = ""
                if (match(names, /  +/)) { rest = substr(names, RSTART + RLENGTH); names = substr(names, 1, RSTART - 1) }
            }
            n = split(names, words, " ")
            tag = "\\fB" roff(words[1]) "\\fR"
            for (i = 2; i <= n; i++) tag = tag " \\fI" roff(words[i]) "\\fR"
            print ".TP"
            print tag
            if (rest != "") print roff(rest)
            next
        }
        /^Exit codes: / { in_footer = 1 }
        in_footer { footer = footer $0 "\n"; roff_footer = roff_footer roff($0) "\n"; next }
        { print roff($0) }
        END { if (footer != top_footer "\n") printf "%s", roff_footer }'
}

top_footer=$("$bin" --help | sed -n '/^Exit codes: /,$p')
subcommands=$("$bin" --help | awk '/^[^ ]/ { in_list = ($0 ~ /^Subcommands:/); next } in_list && /^  [^ -]/ { print $1 }')
[[ -n $subcommands ]] || { echo "gen-man-page.sh: $bin --help lists no subcommands" >&2; exit 1; }
{
    echo "[COMMANDS]"
    printf '%s\n' 'Each subcommand takes its own options; \fBdetaudit\fR \fISUBCOMMAND\fR \fB\-\-help\fR prints them.'
    for sub in $subcommands; do
        "$bin" "$sub" --help | help_to_man "$sub" "$top_footer"
    done
    echo
    cat "$src/packaging/detaudit.h2m"
} >"$work/include.h2m"

# help2man names the page after the program it runs: a link named detaudit.
ln -s "$bin" "$work/detaudit"
help2man --no-info --no-discard-stderr --section=1 \
    --name="audit numeric operations for bit-for-bit reproducibility" \
    --include="$work/include.h2m" --output="$work/detaudit.1" "$work/detaudit"
mv "$work/detaudit.1" "$out"
