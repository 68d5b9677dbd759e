#!/usr/bin/env bash
# Joins every shard of a sharded audit (docs/fleet.md): merge-shards.sh N OUT_DIR
# Writes OUT_DIR/full.json; exits with the merged audit's exit code (0 held, 1 an expectation
# failed, 2 a shard missing, foreign or duplicated, ...).
set -uo pipefail
n=$1 out=$2
detaudit=${DETAUDIT:-detaudit}
shards=()
for ((k = 1; k <= n; k++)); do shards+=("$out/shard-$k.json"); done
"$detaudit" merge "${shards[@]}" -o "$out/full.json"
