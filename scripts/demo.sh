#!/usr/bin/env bash
# First command of the README: install what is missing, build, and run the demo: generate
# keys for the bundled example.test zone, sign it with NSEC and NSEC3 (each run verifies
# itself), then check the output with BIND's, ldns's and Knot's verifiers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
out=build/demo
rm -rf "$out"
build/app/zonewarden demo --dir "$out"
for f in "$out"/example.test.signed "$out"/example.test.nsec3.signed; do
    echo "--- checking $f with dnssec-verify, ldns-verify-zone and kzonecheck"
    dnssec-verify -q -o example.test. "$f" >/dev/null
    ldns-verify-zone "$f" >/dev/null
    kzonecheck --dnssec on -o example.test. "$f" >/dev/null
    echo "ok: all three verifiers accept $f"
done
