#!/usr/bin/env bash
# Two zonewarden binaries on the same zone and keys, runs alternating so that load from
# elsewhere falls on both alike: full signs, then incremental runs after one-record
# changes (the changes sign_suite.sh makes). Prints each run and the medians of wall and
# CPU (user + system) time per binary. For measuring what a change costs on a shared
# machine, where absolute times move by tens of percent from minute to minute.
#
#   bench/ab_sign.sh --a OLD_BINARY --b NEW_BINARY [--records N] [--full R] [--incremental R]
#
# Defaults: 1,000,000 records (hosting shape, seed 1), 2 full signs and 10 incremental
# runs per binary, --threads 2. Nothing is asserted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
a="" b="" records=1000000 full=2 incremental=10
while (($#)); do
    case $1 in
    --a) a=$2; shift 2 ;;
    --b) b=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    --full) full=$2; shift 2 ;;
    --incremental) incremental=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "ab_sign.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x $a && -x $b ]] || { echo "ab_sign.sh: give --a and --b, two zonewarden binaries" >&2; exit 2; }
((full >= 1)) || { echo "ab_sign.sh: --full must be at least 1 (the incremental runs need a state)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/zw-ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
origin=bench.test.
python3 "$here/../tests/integration/gen_zone.py" --origin "$origin" --records "$records" --shape hosting --seed 1 \
    >"$work/zone"
mkdir -m 0700 "$work/keys"
dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -f KSK -n ZONE "$origin" >/dev/null
dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -n ZONE "$origin" >/dev/null
declare -A bin=([a]=$a [b]=$b)
for side in a b; do
    mkdir "$work/$side"
    cp "$work/zone" "$work/$side/zone"
done

# run SIDE KIND: one sign, its "KIND SIDE wall cpu" line to $work/runs
run() {
    local side=$1 kind=$2 d=$work/$1 extra=()
    [[ $kind == full ]] && rm -f "$d/signed" "$d/signed.zwstate" "$d/signed.zwstate.delta"
    /usr/bin/time -f '%e %U %S' -o "$d/time" "${bin[$side]}" sign --zone-file "$d/zone" --origin "$origin" \
        --key-dir "$work/keys" --out "$d/signed" --threads 2 --incremental >"$d/log" 2>&1 ||
        { echo "ab_sign.sh: $side $kind failed: $(tail -n 3 "$d/log")" >&2; exit 1; }
    read -r wall user sys <"$d/time"
    printf '%s %s %s %s\n' "$kind" "$side" "$wall" "$(echo "$user + $sys" | bc)" | tee -a "$work/runs"
}
for ((i = 0; i < full; i++)); do run a full; run b full; done
for ((k = 1; k <= incremental; k++)); do
    for side in a b; do
        awk -v k="$k" '!done && $3 == "A" && $1 ~ /^[a-z]+-[0-9]+$/ { $4 = "203.0.113." k; done = 1 } { print }' \
            OFS='\t' "$work/$side/zone" >"$work/$side/zone.new" && mv "$work/$side/zone.new" "$work/$side/zone"
        run "$side" incremental
    done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for kind in full incremental; do
    for side in a b; do
        w=$(awk -v k="$kind" -v s="$side" '$1 == k && $2 == s { print $3 }' "$work/runs" | median)
        c=$(awk -v k="$kind" -v s="$side" '$1 == k && $2 == s { print $4 }' "$work/runs" | median)
        echo "median $kind $side (${bin[$side]}): wall ${w} s, cpu ${c} s"
    done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
