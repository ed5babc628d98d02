#!/usr/bin/env bash
# Signing speed on every algorithm against kzonesign (bench/README.md, "Every algorithm"):
# for each algorithm and zone size, zonewarden with the default self-check (sampled) and
# with the strongest (full), zonewarden on one thread, and kzonesign with the same
# BIND-format keys imported by keymgr import-bind, alternating, on the same generated
# hosting zone; then the raw library rates (zw_crypto_rates and openssl speed).
#
#   bench/algorithms.sh [--zonewarden PATH] [--rates PATH] [--sizes "200000 1000000"]
#                       [--algs "ecdsap256sha256 rsasha256 ecdsap384sha384 ed25519 ed448"]
#                       [--runs R] [--threads T] [--no-scaling] [--out FILE]
#
# Defaults: build/app/zonewarden, build/bench/zw_crypto_rates, 200k and 1M records, all
# five algorithms, 2 runs each (the order rotates between runs), 2 threads, the 1-thread
# row at every size. Each table row is the median of the runs; dnssec-verify checks the
# first output of each zonewarden mode below 300k records. With the defaults it takes
# about two hours on an idle 2-core machine, RSA at 1M records most of it; --sizes and
# --algs select a part. The summary also goes to --out (default bench-algorithms.txt).
# Nothing is asserted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
zw=$root/build/app/zonewarden rates=$root/build/bench/zw_crypto_rates
sizes="200000 1000000" algs="ecdsap256sha256 rsasha256 ecdsap384sha384 ed25519 ed448"
runs=2 threads=2 scaling=1 out=bench-algorithms.txt
while (($#)); do
    case $1 in
    --zonewarden) zw=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --algs) algs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-scaling) scaling=0; shift ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "algorithms.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x $zw ]] || { echo "algorithms.sh: no zonewarden at $zw (cmake --build build)" >&2; exit 1; }
[[ -x $rates ]] || { echo "algorithms.sh: no zw_crypto_rates at $rates (cmake --build build)" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ && $threads =~ ^[1-9][0-9]*$ ]] || { echo "algorithms.sh: --runs and --threads take numbers" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/zw-algorithms.XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { printf '[algorithms %s] %s\n' "$(date +%T)" "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
: >"$out"
say() { printf '%s\n' "$*" | tee -a "$out"; }
started=$(date +%s)
say "zonewarden on every algorithm against kzonesign, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(openssl version | cut -d' ' -f1-2), $(kzonesign --version 2>&1 | head -n 1)"
say "command: bench/algorithms.sh --sizes \"$sizes\" --algs \"$algs\" --runs $runs --threads $threads$( ((scaling)) || echo ' --no-scaling')"
say "load average at the start: $(load)"
say ""

signers="zonewarden kzonesign zonewarden/full"
((scaling)) && signers+=" zonewarden:1"
results=$work/results.txt
for n in $sizes; do
    python3 "$root/tests/integration/gen_zone.py" --origin bench.test. --records "$n" --shape hosting --seed 1 \
        >"$work/hosting.$n.zone"
    for alg in $algs; do
        verify="zonewarden zonewarden/full"
        ((n <= 300000)) || verify=none
        log "$alg, $n records: $signers, $runs run(s), load $(load)"
        before=0
        [[ -f $results ]] && before=$(wc -l <"$results")
        "$here/sign_bench.sh" --zonewarden "$zw" --alg "$alg" --records "$n" --shape hosting --runs "$runs" \
            --threads "$threads" --zone "$work/hosting.$n.zone" --signers "$signers" --verify-signers "$verify" \
            --results "$results" >>"$work/tables.txt" 2>>"$work/bench.log" ||
            { log "$alg at $n failed: $(tail -n 3 "$work/bench.log")"; exit 1; }
        # sign_bench.sh appends one line per signer; tag them with the algorithm and the load.
        sed -i "$((before + 1)),\$ s|^|$alg $(load | tr ' ' '/') |" "$results"
    done
done

# --- the table ---------------------------------------------------------------------------
# results: alg load records shape denial signer threads wall cpu cpu_us RRSIGs sigs/s %o1 %oN speedup MiB selfchk verify
say "Medians of $runs run(s); wall seconds; 'x Knot' is kzonesign's wall time over zonewarden's (above 1: zonewarden"
say "is faster); MiB is the peak RSS; 1->2 is zonewarden's wall time on 1 thread over $threads threads (sampled mode)."
say ""
say "$(printf '%-16s %8s %9s %9s %9s %9s %8s %8s %8s %8s %6s %10s' algorithm records RRSIGs sampled full kzonesign \
    'x Knot' 'x Knot' zw_MiB knot_MiB 1-\>2 load)"
say "$(printf '%-16s %8s %9s %9s %9s %9s %8s %8s %8s %8s %6s %10s' '' '' '' 's' 's' 's' sampled full '' '' '' '')"
awk '{ key = $1 " " $3; seen[key] = 1; order[key] = NR; load[key] = $2
       wall[key, $6] = $8; mib[key, $6] = $16; sigs[key] = ($6 == "zonewarden" ? $11 : sigs[key]) }
     END {
        n = 0; for (k in seen) keys[++n] = k
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (order[keys[j]] < order[keys[i]]) { t = keys[i]; keys[i] = keys[j]; keys[j] = t }
        for (i = 1; i <= n; i++) {
            k = keys[i]; split(k, p, " ")
            s = wall[k, "zonewarden"]; f = wall[k, "zonewarden/full"]; kz = wall[k, "kzonesign"]; one = wall[k, "zonewarden:1"]
            printf "%-16s %8s %9s %9.2f %9.2f %9.2f %7.2fx %7.2fx %8s %8s %6s %10s\n", p[1], p[2], sigs[k], s, f, kz,
                (s > 0 ? kz / s : 0), (f > 0 ? kz / f : 0), mib[k, "zonewarden"], mib[k, "kzonesign"],
                (one > 0 && s > 0 ? sprintf("%.2fx", one / s) : "-"), load[k]
        }
     }' "$results" | tee -a "$out"
say ""
say "dnssec-verify of the first zonewarden output of each mode (below 300k records):"
grep -h 'dnssec-verify' "$work/bench.log" | sed 's/^\[bench [0-9:]*\] /  /' | sort | uniq -c | tee -a "$out"
say ""

# --- the libraries alone -----------------------------------------------------------------
log "library rates, load $(load)"
say "Library rates on one thread (zw_crypto_rates: median of 3 alternating 1-second runs, 120-octet message), load $(load):"
"$rates" --seconds 1 --rounds 3 | sed 's/^/  /' | tee -a "$out"
say "openssl speed (3 s each, one thread):"
for a in ecdsap256 ecdsap384 ed25519 ed448 rsa2048; do
    openssl speed -seconds 3 "$a" 2>/dev/null | awk -v a="$a" '/(ecdsa|EdDSA|^rsa)/ && $NF ~ /^[0-9.]+$/ { s = $(NF - 1); v = $NF }
        END { printf "  %-10s %10.0f sign/s %10.0f verify/s\n", a, s, v }' | tee -a "$out"
done
say ""
say "load average at the end: $(load); total $(($(date +%s) - started)) s"
cat "$work/tables.txt" >"$out.tables"
cp "$work/bench.log" "$out.log"
log "per-configuration tables in $out.tables, their log in $out.log"
