#!/usr/bin/env bash
# Second command of the README, and what CI runs: install what is missing, build, run every
# test (unit and integration, with real name servers on 127.0.0.0/8), build again without
# the ECDSA fast path on OpenSSL's deprecated EC API and run the unit tests and the signing
# integration tests there, then build with AddressSanitizer and UndefinedBehaviorSanitizer
# and run the unit tests there.
set -euo pipefail
zw_self=$(realpath "$0")
cd "$(dirname "$zw_self")/.."
. scripts/as-root.sh
zw_as_root "$@"
scripts/install-deps.sh
jobs=$(nproc)
# The build trees below share ccache entries only if the directory they build in is not
# part of the hash (it is by default with -g).
export CCACHE_NOHASHDIR=1

scripts/build.sh build
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900)

# Only the few files of the fast path and its stand-in differ (CMakeLists.txt), so with
# ccache this build is short; the integration tests are those that sign with ECDSA and
# check the output with BIND, ldns and a validating resolver.
scripts/build.sh build-evp -DZW_OPENSSL_EC_FAST_PATH=OFF
(cd build-evp && ctest --output-on-failure -j"$jobs" -L unit --timeout 900)
(cd build-evp && ctest --output-on-failure -j"$jobs" --timeout 900 \
    -R '^integration\.(interop\.(ecdsap256sha256\.nsec3?|ecdsap384sha384\.nsec)\.zonewarden(\.csk)?|interop\.short_scalar\.nsec|serve_validate\.nsec)$')

scripts/build.sh build-asan -DZW_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j"$jobs" -L unit --timeout 900)
