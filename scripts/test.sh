#!/usr/bin/env bash
# The whole test suite: install packages, then build and test the release and the ASan+UBSan presets,
# then build the Debian package from the release build, install, run and remove it
# (scripts/check-package.sh). CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
jobs=${DETAUDIT_JOBS:-$(nproc)}
for preset in release asan; do
    echo "=== preset $preset: configure, build, test"
    cmake --preset "$preset"
    cmake --build --preset "$preset" -j "$jobs"
    ctest --preset "$preset" -j "$jobs"
done
scripts/check-package.sh build/release
