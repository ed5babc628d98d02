#!/usr/bin/env bash
# A/B of zonewarden builds on one zone (bench/README.md, "A/B runs"): each build signs
# the same generated hosting zone with the same KSK + ZSK, in turn, --runs times (the
# order rotates), first in full with a state (--incremental on a fresh output), then
# incrementally after one A record changed. Prints per build the median, minimum and
# maximum of wall and CPU seconds and the highest peak RSS of each kind of run, so a
# difference can be read against the run-to-run spread.
#
#   bench/ab.sh --build NAME=PATH --build NAME=PATH [...] [--records N] [--runs R]
#               [--threads T] [--alg ALG] [--out FILE]
#
# Defaults: 1000000 records, 5 runs, 2 threads, ecdsap256sha256, --out bench-ab.txt.
# Nothing is asserted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
records=1000000 runs=5 threads=2 alg=ECDSAP256SHA256 out=bench-ab.txt
names=() paths=()
while (($#)); do
    case $1 in
    --build) names+=("${2%%=*}"); paths+=("$(realpath "${2#*=}")"); shift 2 ;;
    --records) records=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --alg) alg=${2^^}; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "ab.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
((${#names[@]} >= 2)) || { echo "ab.sh: give at least two --build NAME=PATH" >&2; exit 2; }
for p in "${paths[@]}"; do [[ -x $p ]] || { echo "ab.sh: no binary at $p" >&2; exit 1; }; done

work=$(mktemp -d "${TMPDIR:-/tmp}/zw-ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { printf '[ab %s] %s\n' "$(date +%T)" "$*" >&2; }
origin=bench.test.
python3 "$root/tests/integration/gen_zone.py" --origin "$origin" --records "$records" --shape hosting --seed 1 \
    >"$work/zone"
mkdir -m 0700 "$work/keys"
dnssec-keygen -q -K "$work/keys" -a "$alg" -f KSK -n ZONE "$origin" >/dev/null
dnssec-keygen -q -K "$work/keys" -a "$alg" -n ZONE "$origin" >/dev/null

# run NAME KIND ZONE OUT: one timed run, appended to $work/times as "NAME KIND wall cpu MiB"
run() {
    local i=$1 kind=$2 zone=$3 dir=$work/out.${names[$1]}
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "${paths[$i]}" sign --zone-file "$zone" --origin "$origin" \
        --key-dir "$work/keys" --out "$dir/signed" --threads "$threads" --incremental >"$work/log" 2>&1 ||
        { log "${names[$i]} $kind failed: $(tail -n 3 "$work/log")"; exit 1; }
    read -r w u s m <"$work/time"
    echo "${names[$i]} $kind $w $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') $((m / 1024))" >>"$work/times"
}

log "$records records, $alg, ${#names[@]} builds, $runs runs each, load $(cut -d' ' -f1-3 /proc/loadavg)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < runs; r++)); do
    for ((k = 0; k < ${#names[@]}; k++)); do
        i=$(((k + r) % ${#names[@]}))
        dir=$work/out.${names[$i]}
        rm -rf "$dir" && mkdir -p "$dir"
        run "$i" full "$work/zone"
        # One A record changed, then an incremental run against the state just written.
        awk -v k="$r" '!done && $3 == "A" && $1 ~ /^[a-z]+-[0-9]+$/ { $4 = "203.0.113." (k % 250); done = 1 } { print }' \
            OFS='\t' "$work/zone" >"$work/zone.changed"
        run "$i" incremental "$work/zone.changed"
        log "run $((r + 1)) ${names[$i]}: $(tail -n 2 "$work/times" | awk '{ printf "%s %s s wall %s s cpu %s MiB; ", $2, $3, $4, $5 }')"
    done
done

{
    echo "A/B, $(date -u +%Y-%m-%dT%H:%MZ), $records records, $alg, $threads threads, $runs runs each (order rotating)"
    echo "load average: $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    printf '%-12s %-12s %22s %22s %8s\n' build run "wall s: median (min-max)" "cpu s: median (min-max)" peak_MiB
    for name in "${names[@]}"; do
        for kind in full incremental; do
            awk -v n="$name" -v k="$kind" '$1 == n && $2 == k { w[++c] = $3; u[c] = $4; if ($5 > m) m = $5 }
                function med(a, c,   i, j, t) { for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                                return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
                END { mw = med(w, c); mu = med(u, c)
                      printf "%-12s %-12s %8.2f (%5.2f-%5.2f) %8.2f (%5.2f-%5.2f) %8d\n", n, k, mw, w[1], w[c], mu, u[1], u[c], m }' \
                "$work/times"
        done
    done
} | tee "$out"
