#!/usr/bin/env bash
# $GENERATE held against BIND: named-checkzone expands tests/data/generate.zone (every
# modifier, steps, TTL and class in both orders, $$, quoted rhs, a second origin) and
# zonewarden signs it; the output without zonewarden's DNSSEC records must be the same
# records as BIND's expansion, compared in BIND's own canonical dump of both.
#
#   generate_vs_bind.sh [--zonewarden PATH]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw=$ZONEWARDEN
zw_init generate-vs-bind
zw_require named-checkzone dnssec-verify

origin=example.test.
tmp=$ZW_TMP
zone=$here/../data/generate.zone
"$zw" keygen --zone "$origin" --algorithm ecdsap256sha256 --role csk --key-dir "$tmp/keys" >/dev/null ||
    zw_fail "zonewarden keygen failed"
"$zw" sign --zone-file "$zone" --origin "$origin" --key-dir "$tmp/keys" --out "$tmp/signed.zone" --threads 1 \
    >"$tmp/sign.log" 2>&1 || zw_fail "zonewarden sign exited $?: $(head -n 5 "$tmp/sign.log")"
dnssec-verify -q -z -o "$origin" "$tmp/signed.zone" >"$tmp/verify.log" 2>&1 ||
    zw_fail "dnssec-verify refuses the output: $(tail -n 3 "$tmp/verify.log")"

zw_normalize "$origin" "$zone" "$tmp/bind.norm" || zw_fail "BIND cannot load $zone"
zw_normalize "$origin" "$tmp/signed.zone" "$tmp/zw.norm" || zw_fail "BIND cannot load zonewarden's output"
dnssec_types='^(RRSIG|NSEC|NSEC3|NSEC3PARAM|DNSKEY|CDS|CDNSKEY)$'
# Owners compared without case: BIND keeps the case of the input (${0,0,N} makes capital
# hexadecimal labels), zonewarden writes names in the canonical lower case of RFC 4034 §6.2.
awk -v t="$dnssec_types" '$4 !~ t { $1 = tolower($1); print }' "$tmp/zw.norm" | sort >"$tmp/zw.records"
awk '{ $1 = tolower($1); print }' "$tmp/bind.norm" | sort >"$tmp/bind.records"
generated=$(grep -c -e '^host-' -e '\.rev\.example\.test\.' "$tmp/bind.records" || true)
((generated >= 254 + 32)) || zw_fail "BIND made only $generated of the generated records: is the file right?"
if ! diff -u "$tmp/bind.records" "$tmp/zw.records" >"$tmp/diff"; then
    zw_fail "zonewarden's records differ from BIND's expansion:
$(head -n 30 "$tmp/diff")"
fi
zw_log "PASS: $(wc -l <"$tmp/bind.records") records, the same as BIND's expansion of every \$GENERATE"
