#!/usr/bin/env bash
# Every zone of tests/data/tricky/ (the cases of BIND's and Knot's zone-check corpora that
# matter to a signer, written as our own small zones, and edge cases of the reader and the
# writer) against the peers and against zonewarden. Each file says in its first lines what
# is expected:
#   ; expect: signed            zonewarden signs it (exit 0) with NSEC and with NSEC3, and
#                               dnssec-verify, ldns-verify-zone and kzonecheck accept both
#                               outputs
#   ; expect: refused: TEXT     zonewarden exits 2, names the file:line and says TEXT
#   ; warns: TEXT               (optional) zonewarden's output mentions TEXT
#   ; bind: accepts|refuses     named-checkzone on the input
#   ; knot: accepts|refuses     kzonecheck -d off on the input (the input's own DNSSEC
#                               records would be replaced by zonewarden's)
# The peers' verdicts are checked too, so the file states facts about them, not hopes.
#
#   tricky_zones.sh [--zonewarden PATH] [ZONE...]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw=$ZONEWARDEN
zw_init tricky-zones
zw_require named-checkzone kzonecheck dnssec-verify ldns-verify-zone

zones=("$@")
((${#zones[@]})) || zones=("$here"/../data/tricky/*.zone)
origin=example.test.
tmp=$ZW_TMP
kd=$tmp/keys
"$zw" keygen --zone "$origin" --algorithm ecdsap256sha256 --role csk --key-dir "$kd" >/dev/null ||
    zw_fail "zonewarden keygen failed"

failures=()
bad() {
    failures+=("$*")
    zw_log "  BAD  $*"
}
field() { sed -n "s/^; $2: //p" "$1" | head -n 1; }

for zone in "${zones[@]}"; do
    name=$(basename "$zone" .zone)
    expect=$(field "$zone" expect)
    [[ -n $expect ]] || { bad "$name: no '; expect:' line"; continue; }

    # The peers on the input.
    for peer in bind knot; do
        want=$(field "$zone" "$peer")
        [[ -n $want ]] || continue
        rc=0
        if [[ $peer == bind ]]; then
            named-checkzone "${origin%.}" "$zone" >"$tmp/$name.$peer.log" 2>&1 || rc=$?
        else
            kzonecheck -d off -o "$origin" "$zone" >"$tmp/$name.$peer.log" 2>&1 || rc=$?
        fi
        got=accepts
        ((rc == 0)) || got=refuses
        [[ $got == "$want" ]] || bad "$name: the file says $peer $want it, but $peer $got it: $(head -n 2 "$tmp/$name.$peer.log")"
    done

    # zonewarden, with NSEC and with NSEC3 (a refusal does not depend on the denial: once).
    denials=(nsec nsec3)
    [[ $expect == signed ]] || denials=(nsec)
    for denial in "${denials[@]}"; do
        args=()
        [[ $denial == nsec3 ]] && args=(--nsec3)
        out=$tmp/$name.$denial.signed
        rc=0
        "$zw" sign --zone-file "$zone" --origin "$origin" --key-dir "$kd" --out "$out" --threads 1 "${args[@]}" \
            >"$tmp/$name.$denial.log" 2>&1 || rc=$?
        log=$tmp/$name.$denial.log
        case $expect in
        signed)
            if ((rc != 0)); then
                bad "$name ($denial): zonewarden exited $rc: $(head -n 3 "$log")"
                continue
            fi
            warns=$(field "$zone" warns)
            [[ -z $warns ]] || grep -qF -- "$warns" "$log" || bad "$name ($denial): no warning '$warns' in: $(head -n 3 "$log")"
            dnssec-verify -q -z -o "$origin" "$out" >"$out.dv" 2>&1 ||
                bad "$name ($denial): dnssec-verify refuses the output: $(grep -v '^Loading\|^Verifying' "$out.dv" | head -n 3)"
            ldns-verify-zone "$out" >"$out.lv" 2>&1 || bad "$name ($denial): ldns-verify-zone refuses the output: $(head -n 3 "$out.lv")"
            kzonecheck --dnssec on -o "$origin" "$out" >"$out.kz" 2>&1 ||
                bad "$name ($denial): kzonecheck refuses the output: $(head -n 3 "$out.kz")"
            ;;
        refused:*)
            text=${expect#refused: }
            ((rc == 2)) || bad "$name ($denial): zonewarden exited $rc, want 2: $(head -n 3 "$log")"
            grep -qF -- "$text" "$log" || bad "$name ($denial): no '$text' in: $(head -n 3 "$log")"
            grep -q "$(basename "$zone"):[0-9]" "$log" || bad "$name ($denial): the error names no file:line: $(head -n 2 "$log")"
            [[ ! -e $out ]] || bad "$name ($denial): a refused zone left an output"
            ;;
        *) bad "$name: unknown expectation '$expect'" ;;
        esac
    done
done

if ((${#failures[@]})); then
    for f in "${failures[@]}"; do printf 'FAIL [%s]: %s\n' "$ZW_TEST" "$f" >&2; done
    exit 1
fi
zw_log "PASS: ${#zones[@]} zones; the signed ones pass dnssec-verify, ldns-verify-zone and kzonecheck with NSEC and NSEC3"
