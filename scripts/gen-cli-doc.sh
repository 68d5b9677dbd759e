#!/usr/bin/env bash
# Regenerates docs/cli.md from the binary's own --help texts, so the two never disagree.
# Usage: scripts/gen-cli-doc.sh [path/to/detaudit] > docs/cli.md   (a test checks it is current)
set -euo pipefail
bin=${1:-build/release/app/detaudit}
echo "# detaudit command line"
echo
echo "Generated from \`detaudit --help\` by \`scripts/gen-cli-doc.sh\`; do not edit by hand."
for cmd in "" run validate ops env compare trace-diff report merge diff; do
    echo
    if [ -z "$cmd" ]; then echo "## detaudit"; else echo "## detaudit $cmd"; fi
    echo
    echo '```'
    # shellcheck disable=SC2086
    "$bin" $cmd --help | sed -e "s|$bin|detaudit|g"
    echo '```'
done
