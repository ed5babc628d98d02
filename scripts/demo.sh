#!/usr/bin/env bash
# First command of the README: install what is missing, build, and run the main job on an
# embedded default — a local demo on loopback (tests/e2e/demo.sh, docs/demo.md): a root, a
# TLD and two tenant zones on NSD, Knot and BIND, a validating Unbound, a registrar API
# simulator; zonewarden onboards both tenants (one through RFC 2136, one through the
# simulated registrar), rolls a KSK and a ZSK with policies of seconds under `zonewarden
# run`, and prints its status, while a poller checks every half second that validation
# never fails. Everything it starts is stopped again. Then the signer on its own: the
# bundled example zone signed with NSEC and NSEC3, checked by BIND's, ldns's and Knot's
# verifiers. A few minutes after the build; 127.0.0.0/8 only.
set -euo pipefail
zw_self=$(realpath "$0")
cd "$(dirname "$zw_self")/.."
. scripts/as-root.sh
zw_as_root "$@"
scripts/install-deps.sh
scripts/build.sh build

tests/e2e/demo.sh --zonewarden build/app/zonewarden

printf '\n\033[1m== 7. The signer on its own: the bundled example zone, checked by three verifiers\033[0m\n'
out=build/demo
rm -rf "$out"
build/app/zonewarden demo --dir "$out"
for f in "$out"/example.test.signed "$out"/example.test.nsec3.signed; do
    dnssec-verify -q -o example.test. "$f" >/dev/null
    ldns-verify-zone "$f" >/dev/null
    kzonecheck --dnssec on -o example.test. "$f" >/dev/null
    echo "ok: dnssec-verify, ldns-verify-zone and kzonecheck accept $f"
done
