#!/usr/bin/env bash
# One command for a new user: install packages, build the release preset, run the quickstart scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/app/detaudit run scenarios/quickstart.json "$@"
