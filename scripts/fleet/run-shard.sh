#!/usr/bin/env bash
# One shard of a sharded audit (docs/fleet.md): run-shard.sh SCENARIO K N OUT_DIR [detaudit run flags...]
# Writes OUT_DIR/shard-K.json (and shard-K.xml, JUnit). A failed expectation (exit 1) still counts
# as success here so the dependent merge job runs; `detaudit merge` gives the audit's exit code.
# Any other failure (bad input 2, missing backend 3, failed cell 4, interrupted 130) fails the task.
set -uo pipefail
scenario=$1 k=$2 n=$3 out=$4
shift 4
detaudit=${DETAUDIT:-detaudit}
mkdir -p "$out"
"$detaudit" run "$scenario" --shard "$k/$n" --json "$out/shard-$k.json" --junit "$out/shard-$k.xml" -q "$@"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then exit 0; fi
exit "$rc"
