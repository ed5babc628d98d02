#!/usr/bin/env bash
# Second command of the README, and what CI runs: install what is missing, build, run every
# test (unit and integration, with real name servers on 127.0.0.0/8), then build again with
# AddressSanitizer and UndefinedBehaviorSanitizer and run the unit tests there.
set -euo pipefail
zw_self=$(realpath "$0")
cd "$(dirname "$zw_self")/.."
. scripts/as-root.sh
zw_as_root "$@"
scripts/install-deps.sh
jobs=$(nproc)

scripts/build.sh build
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900)

scripts/build.sh build-asan -DZW_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j"$jobs" -L unit --timeout 900)
