#!/usr/bin/env bash
# Every zone of the zone reader's fuzz corpus (fuzz/corpus/zone_reader, and its regression
# inputs) that `zonewarden sign` accepts must come out as a zone BIND's dnssec-verify and
# ldns's ldns-verify-zone accept: what the reader lets through, the signer must sign
# correctly, or the reader must refuse it. One KSK and one ZSK (ECDSA P-256), NSEC and
# NSEC3 in turn; at most 200 entries and 150 seconds. Refused entries (exit 2) are fine.
#
#   fuzz_corpus_verify.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

zw_args "$@"
((${#ZW_ARGS[@]} == 0)) || { echo "unknown argument ${ZW_ARGS[0]}" >&2; exit 2; }
zw=$ZONEWARDEN
zw_init fuzz_corpus_verify
zw_require dnssec-verify ldns-verify-zone

origin=example.test.  # the zone reader target's origin (fuzz/zone_reader.cc)
corpus=("$here/../../fuzz/corpus/zone_reader" "$here/../../fuzz/regressions/zone_reader")
kd=$ZW_TMP/keys
for role in ksk zsk; do
    "$zw" keygen --zone "$origin" --algorithm ecdsap256sha256 --role "$role" --key-dir "$kd" >/dev/null ||
        zw_fail "keygen --role $role failed"
done

deadline=$((SECONDS + 150))
signed=0 refused=0 n=0 failures=()
for f in $(find "${corpus[@]}" -maxdepth 1 -type f 2>/dev/null | sort | head -n 200); do
    ((SECONDS < deadline)) || { zw_log "time is up after $n entries"; break; }
    n=$((n + 1))
    denial=()
    ((n % 2 == 0)) && denial=(--nsec3)
    out=$ZW_TMP/out.zone
    rm -f "$out"
    rc=0
    "$zw" sign --zone-file "$f" --origin "$origin" --key-dir "$kd" --out "$out" --threads 1 "${denial[@]}" \
        >"$ZW_TMP/sign.log" 2>&1 || rc=$?
    case $rc in
    0) ;;
    2) refused=$((refused + 1)); continue ;;
    *) failures+=("$(basename "$f"): sign exited $rc: $(tail -n 3 "$ZW_TMP/sign.log")"); continue ;;
    esac
    signed=$((signed + 1))
    if ! dnssec-verify -o "$origin" "$out" >"$ZW_TMP/dv.log" 2>&1; then
        failures+=("$(basename "$f") ${denial[*]}: dnssec-verify: $(grep -v '^Loading\|^Verifying\|^- ' "$ZW_TMP/dv.log" | head -n 3)")
        cp "$f" "$ZW_TMP/failed-$(basename "$f")"
    fi
    if ! ldns-verify-zone "$out" >"$ZW_TMP/lv.log" 2>&1; then
        failures+=("$(basename "$f") ${denial[*]}: ldns-verify-zone: $(head -n 3 "$ZW_TMP/lv.log")")
        cp "$f" "$ZW_TMP/failed-$(basename "$f")"
    fi
done
zw_log "$n corpus entries: $signed signed and verified by both, $refused refused by the reader"
((signed > 0)) || zw_fail "no corpus entry was signed: the test checked nothing"
if ((${#failures[@]})); then
    printf '  %s\n' "${failures[@]}" >&2
    zw_fail "${#failures[@]} signed zone(s) rejected by a verifier (inputs kept in $ZW_TMP)"
fi
zw_log "PASS"
