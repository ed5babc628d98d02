#!/usr/bin/env bash
# `zonewarden sign --incremental` against a full sign of the same zone, through rounds of
# random edits (edit_zone.py: records, addresses, TTLs, delegations with and without DS,
# empty non-terminals). With Ed25519 (deterministic signatures) and one --now, the
# incremental output must equal the full sign's byte for byte; later, with signatures
# kept and renewed, equal apart from signature times and bytes. dnssec-verify and
# ldns-verify-zone must accept every incremental output, and a ZSK that joins must sign
# everything while one that leaves keeps no signature. A run that changed little writes
# its state as a delta; one that changed everything writes it in full. Last, `sign --manifest` must sign
# what single runs sign.
#
#   incremental_sign.sh [--zonewarden PATH] nsec|nsec3|nsec3-optout
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw=$ZONEWARDEN
denial=${1:?usage: incremental_sign.sh [--zonewarden PATH] nsec|nsec3|nsec3-optout}
zw_init "incremental-$denial"
zw_require python3 dnssec-verify ldns-verify-zone
case $denial in
nsec) denial_args=() ;;
nsec3) denial_args=(--nsec3) ;;
nsec3-optout) denial_args=(--nsec3 --opt-out) ;;
*) zw_fail "bad DENIAL '$denial'" ;;
esac

origin=example.test.
tmp=$ZW_TMP
kd=$tmp/keys
python3 "$here/gen_zone.py" --origin "$origin" --records 3000 --shape delegations --seed 42 >"$tmp/zone.0"
"$zw" keygen --zone "$origin" --algorithm ed25519 --role ksk --key-dir "$kd" >/dev/null
zsk1=$("$zw" keygen --zone "$origin" --algorithm ed25519 --role zsk --key-dir "$kd")
now=$(($(date +%s) + 1))
# Later rounds sign as if up to 70 minutes had passed; the inception offset keeps every
# signature valid for the verifiers, which check against the real clock.
times=(--validity 3h --jitter 1h --refresh 90m --inception-offset 3h)

# sign NAME ZONE NOW [--incremental]: signs into $tmp/NAME.signed, log in $tmp/NAME.log
sign() {
    local name=$1 zone=$2 at=$3
    shift 3
    "$zw" sign --zone-file "$zone" --origin "$origin" --key-dir "$kd" --out "$tmp/$name.signed" --threads 2 \
        --now "$at" "${times[@]}" "${denial_args[@]}" "$@" >"$tmp/$name.log" 2>&1 ||
        zw_fail "sign $name exited non-zero: $(tail -n 5 "$tmp/$name.log")"
}
# count FIELD NAME: a number from the "incremental:" line of a sign log
count() { sed -n "s/.*[( ]\([0-9]*\) $1.*/\1/p" "$tmp/$2.log" | head -n 1; }
verify() {
    dnssec-verify -q -o "$origin" "$1" >"$tmp/dv.log" 2>&1 || zw_fail "dnssec-verify rejects $1: $(tail -n 5 "$tmp/dv.log")"
    ldns-verify-zone -V 1 "$1" >"$tmp/lv.log" 2>&1 || zw_fail "ldns-verify-zone rejects $1: $(tail -n 5 "$tmp/lv.log")"
}
# Everything but RRSIG expiration, inception and signature, one RR per line, sorted.
content() { awk -F'\t' -v OFS='\t' '$4 == "RRSIG" { n = split($5, f, " "); $5 = f[1] " " f[2] " " f[3] " " f[4] " " f[7] " " f[8] } { print }' "$1" | sort; }

sign inc "$tmp/zone.0" "$now" --incremental
[[ -s $tmp/inc.signed.zwstate ]] || zw_fail "no state written beside the output"
grep -q "no usable previous state" "$tmp/inc.log" || zw_fail "the first run claims a previous state: $(cat "$tmp/inc.log")"
verify "$tmp/inc.signed"

# Rounds of edits at one time: byte-identical to a full sign.
for round in 1 2 3 4; do
    python3 "$here/edit_zone.py" --seed "$round" --edits 8 "$tmp/zone.$((round - 1))" >"$tmp/zone.$round"
    sign inc "$tmp/zone.$round" "$now" --incremental
    sign full "$tmp/zone.$round" "$now"
    cmp -s "$tmp/inc.signed" "$tmp/full.signed" ||
        zw_fail "round $round: incremental and full sign differ: $(diff "$tmp/inc.signed" "$tmp/full.signed" | head -n 6)"
    reused=$(count "signatures reused" inc) made=$(count "new over" inc)
    zw_log "round $round: $reused signatures kept, $made made"
    ((reused > 500 && made < 100)) || zw_fail "round $round: not incremental: $(grep incremental: "$tmp/inc.log")"
    verify "$tmp/inc.signed"
done

# The same zone again: nothing to sign, and the text of every node but the apex copied
# from the previous output (the SOA line is always written anew).
cp "$tmp/inc.signed" "$tmp/before.signed"
sign inc "$tmp/zone.4" "$now" --incremental
cmp -s "$tmp/inc.signed" "$tmp/before.signed" || zw_fail "an unchanged zone signed again gives other text"
read -r copied total < <(sed -n 's/^text: \([0-9]*\) of \([0-9]*\) bytes.*/\1 \2/p' "$tmp/inc.log")
zw_log "unchanged zone: ${copied:-?} of ${total:-?} bytes of text copied"
((${copied:-0} > 0 && 10 * copied > 9 * total)) || zw_fail "text was not copied: $(grep '^text:' "$tmp/inc.log")"
# And its state is only the changes against the base state, which stays as it was.
grep -q '^state: [0-9]* bytes, the changes against the base' "$tmp/inc.log" ||
    zw_fail "an unchanged zone's state was not written as a delta: $(grep '^state:' "$tmp/inc.log")"
[[ -s $tmp/inc.signed.zwstate.delta ]] || zw_fail "no delta beside the state"

# 70 minutes on: what is left of each signature is 110 min minus its jitter (0-60 min), so
# some fall inside the 90 min refresh point and are renewed, the others are kept.
later=$((now + 70 * 60))
sign inc "$tmp/zone.4" "$later" --incremental
sign full "$tmp/zone.4" "$later"
[[ "$(content "$tmp/inc.signed")" == "$(content "$tmp/full.signed")" ]] ||
    zw_fail "after renewal the content differs from a full sign: $(diff <(content "$tmp/inc.signed") <(content "$tmp/full.signed") | head -n 6)"
renewed=$(count "renewed inside" inc) reused=$(count "signatures reused" inc)
zw_log "renewal: $renewed renewed, $reused kept"
((renewed > 100 && reused > 100)) || zw_fail "expected both renewals and kept signatures: $(grep incremental: "$tmp/inc.log")"
verify "$tmp/inc.signed"

# A second ZSK joins: it signs every RRset the first one signs.
zsk2=$("$zw" keygen --zone "$origin" --algorithm ed25519 --role zsk --key-dir "$kd")
tag1=$((10#${zsk1##*+})) tag2=$((10#${zsk2##*+}))
sign inc "$tmp/zone.4" "$later" --incremental
by() { awk -F'\t' -v t="$1" '$4 == "RRSIG" { split($5, f, " "); if (f[7] == t) n++ } END { print n + 0 }' "$tmp/inc.signed"; }
[[ $(by "$tag2") == "$(by "$tag1")" && $(by "$tag2") -gt 500 ]] ||
    zw_fail "the joining ZSK made $(by "$tag2") signatures, the old one has $(by "$tag1")"
# Every RRset changed: the state is written in full again, and the delta goes.
grep -q '^state: .*written in full' "$tmp/inc.log" || zw_fail "a ZSK join wrote no full state: $(grep '^state:' "$tmp/inc.log")"
[[ ! -e $tmp/inc.signed.zwstate.delta ]] || zw_fail "a delta is left beside a new full state"
verify "$tmp/inc.signed"
# The first ZSK leaves: none of its signatures may stay, though all are still fresh.
rm "$kd/$zsk1.key" "$kd/$zsk1.private"
sign inc "$tmp/zone.4" "$later" --incremental
[[ $(by "$tag1") == 0 ]] || zw_fail "$(by "$tag1") signatures of the removed ZSK $tag1 are left"
verify "$tmp/inc.signed"

# Many zones in one process (sign --manifest) give what one process per zone gives.
printf '%s %s %s\n' "$tmp/zone.4" "$origin" "$tmp/m4.signed" "$tmp/zone.3" "$origin" "$tmp/m3.signed" >"$tmp/manifest"
"$zw" sign --manifest "$tmp/manifest" --key-dir "$kd" --threads 2 --now "$later" "${times[@]}" "${denial_args[@]}" \
    >"$tmp/manifest.log" 2>&1 || zw_fail "sign --manifest failed: $(tail -n 5 "$tmp/manifest.log")"
for z in 3 4; do
    sign "single$z" "$tmp/zone.$z" "$later"
    cmp -s "$tmp/m$z.signed" "$tmp/single$z.signed" || zw_fail "sign --manifest and a single sign of zone.$z differ"
done
zw_log "PASS: incremental output equals a full sign through edits, renewal and a ZSK roll; verifiers accept it"
