#!/usr/bin/env bash
# Compare zonewarden's one-shot signer with ldns-signzone, dnssec-signzone and kzonesign
# on the same generated zone and the same BIND-format KSK + ZSK, and against what OpenSSL
# alone can sign per second. See bench/README.md.
#
#   bench/sign_bench.sh [--records N] [--runs R] [--shape hosting|delegations]
#                       [--alg ALG] [--threads T] [--zonewarden PATH] [--keep] [--skip-verify]
#                       [--nsec3] [--signers "S..."] [--verify-signers "S..."]
#                       [--keys DIR] [--zone FILE] [--ossl "R1 RN"] [--results FILE]
#
# Defaults: 100000 records, 3 runs, hosting shape, ecdsap256sha256, 2 threads,
# zonewarden from build/app/zonewarden, NSEC, all four signers. A signer "NAME:T" runs
# NAME on T threads (zonewarden:1 for the scaling row); "zonewarden/MODE" (and
# "zonewarden:T/MODE") runs zonewarden with --self-check MODE (full or sampled). --keys reuses a directory holding
# one KSK and one ZSK from dnssec-keygen, --zone a zone already generated (origin
# bench.test.), --ossl the OpenSSL sign/s already measured (1 core, T cores); --results
# appends one line per signer for bench/sign_suite.sh. Prints a table of medians.
# No timed assertion: this measures and reports, it never fails on a number.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

records=100000 runs=3 shape=hosting alg=ecdsap256sha256 threads=2 keep=0 verify=1 nsec3=0
zw=$root/build/app/zonewarden
signers_arg="zonewarden ldns-signzone dnssec-signzone kzonesign" verify_signers="" keys_from="" zone_from=""
ossl_given="" results=""
while (($#)); do
    case $1 in
    --nsec3) nsec3=1; shift ;;
    --signers) signers_arg=$2; shift 2 ;;
    --verify-signers) verify_signers=$2; shift 2 ;;
    --keys) keys_from=$2; shift 2 ;;
    --zone) zone_from=$2; shift 2 ;;
    --ossl) ossl_given=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --shape) shape=$2; shift 2 ;;
    --alg) alg=${2,,}; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --zonewarden) zw=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --skip-verify) verify=0; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "sign_bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

die() {
    echo "sign_bench.sh: $*" >&2
    exit 1
}

case $alg in
rsasha256 | 8) ALG=RSASHA256 ossl=rsa2048 bits=(-b 2048) ;;
ecdsap256sha256 | 13) ALG=ECDSAP256SHA256 ossl=ecdsap256 bits=() ;;
ecdsap384sha384 | 14) ALG=ECDSAP384SHA384 ossl=ecdsap384 bits=() ;;
ed25519 | 15) ALG=ED25519 ossl=ed25519 bits=() ;;
ed448 | 16) ALG=ED448 ossl=ed448 bits=() ;;
*) die "unknown algorithm '$alg'" ;;
esac
[[ $records =~ ^[0-9]+$ && $runs =~ ^[1-9][0-9]*$ && $threads =~ ^[1-9][0-9]*$ ]] || die "--records, --runs and --threads take numbers"
[[ $shape == hosting || $shape == delegations ]] || die "--shape is hosting or delegations"
[[ -x $zw ]] || die "zonewarden binary '$zw' not found; build it (cmake --build build) or pass --zonewarden"
for t in python3 ldns-signzone ldns-read-zone dnssec-keygen dnssec-signzone dnssec-verify kzonesign keymgr openssl /usr/bin/time; do
    command -v "$t" >/dev/null || die "'$t' not found (apt-get install ldnsutils bind9 bind9-dnsutils knot knot-dnsutils time)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/zw-bench.XXXXXX")
cleanup() {
    if ((keep)); then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

origin=bench.test.
log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if awk '{ exit !($1 > 0.5) }' /proc/loadavg; then
    log "WARNING: the machine is not idle; timings will be noisy"
fi

# --- input and keys, shared by every signer -------------------------------------------
if [[ -n $zone_from ]]; then
    cp "$zone_from" "$work/${origin}zone"
else
    python3 "$root/tests/integration/gen_zone.py" --origin "$origin" --records "$records" --shape "$shape" \
        --seed 1 >"$work/$origin"zone
fi
log "zone: $(grep -cv '^\$' "$work/${origin}zone") records ($shape), $(du -h "$work/${origin}zone" | cut -f1)"
mkdir -m 0700 "$work/keys"
if [[ -n $keys_from ]]; then
    cp "$keys_from"/K"$origin"+* "$work/keys/"
    ksk=$(grep -l 'DNSKEY[[:space:]]*257' "$work/keys"/*.key | head -n 1 | xargs basename | sed 's/\.key$//')
    zsk=$(grep -l 'DNSKEY[[:space:]]*256' "$work/keys"/*.key | head -n 1 | xargs basename | sed 's/\.key$//')
    [[ -n $ksk && -n $zsk ]] || die "--keys $keys_from needs one KSK and one ZSK for $origin"
else
    ksk=$(dnssec-keygen -q -K "$work/keys" -a "$ALG" "${bits[@]}" -f KSK -n ZONE "$origin")
    zsk=$(dnssec-keygen -q -K "$work/keys" -a "$ALG" "${bits[@]}" -n ZONE "$origin")
fi
log "keys: $ksk (KSK), $zsk (ZSK) made by dnssec-keygen"

# dnssec-signzone gets the keys on the command line and the DNSKEYs in its input (no -S).
cat "$work/${origin}zone" "$work/keys/$ksk.key" "$work/keys/$zsk.key" >"$work/bind-input.zone"

# kzonesign: a KASP database into which the same BIND keys are imported; manual policy so
# Knot neither makes nor rolls keys.
mkdir -p "$work/knot/db" "$work/knot/run" "$work/knot/kasp" "$work/knot/out"
cp "$work/${origin}zone" "$work/knot/${origin}zone"
cat >"$work/knot/knot.conf" <<EOF
server:
    rundir: "$work/knot/run"
database:
    storage: "$work/knot/db"
    kasp-db: "$work/knot/kasp"
policy:
  - id: bench
    manual: on
    algorithm: ${ALG,,}
    nsec3: $( ((nsec3)) && echo on || echo off)
    nsec3-iterations: 0
    nsec3-salt-length: 0
    signing-threads: $threads
    rrsig-lifetime: 14d
    rrsig-refresh: 7d
    dnskey-ttl: 3600
zone:
  - domain: $origin
    file: "$work/knot/${origin}zone"
    dnssec-signing: on
    dnssec-policy: bench
EOF
for k in "$ksk" "$zsk"; do
    keymgr -c "$work/knot/knot.conf" "$origin" import-bind "$work/keys/$k.private" >/dev/null ||
        die "keymgr import-bind $k failed"
done

# --- the signers ------------------------------------------------------------------------
read -r -a signers <<<"$signers_arg"
declare -A threads_of mode_of
for s in "${signers[@]}"; do
    base=${s%%/*}
    [[ $s == */* ]] && mode_of[$s]=${s#*/}
    [[ $s != */* || ${s%%[:/]*} == zonewarden ]] || die "only zonewarden takes a self-check mode ('$s')"
    case ${base%%:*} in
    zonewarden | dnssec-signzone | kzonesign) threads_of[$s]=${base#*:}; [[ $base == *:* ]] || threads_of[$s]=$threads ;;
    ldns-signzone) threads_of[$s]=1 ;;
    *) die "unknown signer '$s'" ;;
    esac
done
[[ -n $verify_signers ]] || verify_signers="${signers[*]}"
denial=NSEC
((nsec3)) && denial=NSEC3
now=$(date +%s)
exp=$(date -u -d "@$((now + 14 * 86400))" +%Y%m%d%H%M%S)
inc=$(date -u -d "@$((now - 3600))" +%Y%m%d%H%M%S)

# command_for SIGNER OUT -> prints nothing, fills the global array cmd
command_for() {
    local s=$1 out=$2 t=${threads_of[$1]} n3=() mode=()
    case ${s%%[:/]*} in
    zonewarden)
        ((nsec3)) && n3=(--nsec3)
        [[ -n ${mode_of[$s]:-} ]] && mode=(--self-check "${mode_of[$s]}")
        cmd=("$zw" sign --zone-file "$work/${origin}zone" --origin "$origin" --key-dir "$work/keys"
            --out "$out" --threads "$t" "${n3[@]}" "${mode[@]}") ;;
    ldns-signzone)
        ((nsec3)) && n3=(-n -t 0 -s -)
        cmd=(ldns-signzone "${n3[@]}" -o "$origin" -i "$inc" -e "$exp" -f "$out" "$work/${origin}zone"
            "$work/keys/$ksk" "$work/keys/$zsk") ;;
    dnssec-signzone)
        # -x: only the KSK signs the DNSKEY RRset (as zonewarden); -n threads; post-sign
        # verification stays on, as zonewarden's self-check does.
        ((nsec3)) && n3=(-3 - -H 0)
        cmd=(dnssec-signzone -q -d "$work" -x -n "$t" "${n3[@]}" -N keep -s now-3600 -e now+1209600 -o "$origin"
            -f "$out" "$work/bind-input.zone" "$work/keys/$ksk" "$work/keys/$zsk") ;;
    kzonesign)
        cmd=(kzonesign -c "$work/knot/knot.conf" -o "$work/knot/out" "$origin") ;;
    esac
}

output_of() { # SIGNER RUN
    if [[ $1 == kzonesign* ]]; then echo "$work/knot/out/${origin}zone"; else echo "$work/${1//\//_}.$2.zone"; fi
}

declare -A wall cpu rss sigs share verified
for ((run = 1; run <= runs; run++)); do
    # Rotate the order each run so no signer always goes first (cold caches) or last.
    for ((i = 0; i < ${#signers[@]}; i++)); do
        s=${signers[(i + run - 1) % ${#signers[@]}]}
        f=${s//\//_}  # for file names
        out=$(output_of "$s" "$run")
        rm -f "$out"
        command_for "$s" "$out"
        if ! /usr/bin/time -v -o "$work/time.txt" "${cmd[@]}" >"$work/$f.log" 2>&1; then
            die "$s failed (run $run): $(tail -n 5 "$work/$f.log")"
        fi
        [[ -s $out ]] || die "$s wrote no output at $out"
        w=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); t = 0; for (j = 1; j <= n; j++) t = t * 60 + p[j]; print t }' "$work/time.txt")
        c=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$work/time.txt")
        m=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.txt")
        wall[$s]+="$w " cpu[$s]+="$c " rss[$s]+="$m "
        if [[ $s == zonewarden* ]]; then
            # The self-check's share of the whole run, from zonewarden's own stage timings.
            share[$s]+="$(awk -v w="$w" '/^stages:/ { for (i = 1; i <= NF; i++) if ($i == "self-check") v = $(i + 1) }
                END { printf "%.3f", (w > 0 ? v / w : 0) }' "$work/$f.log") "
        fi
        if ((run == 1)); then
            # ldns-read-zone takes tens of seconds on a 1M-record signed zone: above 300k records
            # the peers are credited with zonewarden's count (all sign the same RRsets; at
            # 100k the counts are compared and agree).
            if [[ $s == zonewarden* ]]; then
                sigs[$s]=$(sed -n 's/.* \([0-9]*\) signatures in .*/\1/p' "$work/$f.log")
            elif ((records <= 300000)); then
                sigs[$s]=$(ldns-read-zone "$out" | awk '$4 == "RRSIG"' | wc -l)
            fi
            if ((verify)) && [[ " $verify_signers " == *" $s "* ]]; then
                if dnssec-verify -q -o "$origin" "$out" >"$work/$f.verify" 2>&1; then
                    log "$s: dnssec-verify OK"
                    verified[$s]=OK
                else
                    log "$s: dnssec-verify FAILED: $(tail -n 3 "$work/$f.verify")"
                    verified[$s]=FAILED
                fi
            fi
        fi
        log "run $run/$runs $s: ${w}s wall, ${c}s cpu, ${m} MiB"
        # zonewarden reports where its time went (signing vs. self-check).
        [[ $s == zonewarden* ]] && log "  $s: $(grep '^stages:\|^self-check:' "$work/$f.log" | paste -sd ' ' || true)"
        ((keep)) || rm -f "$out"  # checked above; a 1M-record output is 400 MB
    done
done

# --- OpenSSL's ceiling ------------------------------------------------------------------
ossl_rate() { # openssl speed args... -> sign/s of the last result line
    openssl speed -seconds 3 "$@" "$ossl" 2>/dev/null |
        awk '/(ecdsa|EdDSA|^rsa)/ && $NF ~ /^[0-9.]+$/ { v = $(NF - 1) } END { print v + 0 }'
}
if [[ -n $ossl_given ]]; then
    read -r ossl1 osslN <<<"$ossl_given"
else
    log "openssl speed -seconds 3 $ossl (1 core, then -multi $threads)"
    ossl1=$(ossl_rate)
    osslN=$(ossl_rate -multi "$threads")
fi

# --- table ------------------------------------------------------------------------------
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
zw_wall=$(median <<<"${wall[${signers[0]}]}")
for s in "${signers[@]}"; do [[ -n ${sigs[$s]:-} ]] || sigs[$s]=${sigs[${signers[0]}]}; done
printf '\n%s records (%s shape), %s, %s, %s run(s), medians; machine: %s cores, %s\n' \
    "$(grep -cv '^\$' "$work/${origin}zone")" "$shape" "$ALG" "$denial" "$runs" "$(nproc)" "$(openssl version | cut -d' ' -f1-2)"
printf 'OpenSSL %s sign/s: %.0f on 1 core (%.1f us/sig), %.0f with -multi %s\n' "$ossl" "$ossl1" \
    "$(awk -v r="$ossl1" 'BEGIN { print (r > 0 ? 1e6 / r : 0) }')" "$osslN" "$threads"
printf 'load average at the end: %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-18s %7s %9s %9s %10s %9s %10s %8s %8s %10s %9s %8s %7s\n' \
    signer threads wall_s cpu_s cpu_us/sig RRSIGs sigs/s %ossl1 %osslN zw_speedup peak_MiB selfchk verify
for s in "${signers[@]}"; do
    w=$(median <<<"${wall[$s]}")
    c=$(median <<<"${cpu[$s]}")
    m=$(tr ' ' '\n' <<<"${rss[$s]}" | sort -g | tail -n 1)
    sh=-
    [[ -n ${share[$s]:-} ]] && sh=$(awk -v v="$(median <<<"${share[$s]}")" 'BEGIN { printf "%.0f%%", 100 * v }')
    line=$(awk -v s="$s" -v t="${threads_of[$s]}" -v w="$w" -v c="$c" -v n="${sigs[$s]}" -v o1="$ossl1" \
        -v oN="$osslN" -v zw="$zw_wall" -v m="$m" -v sh="$sh" -v vf="${verified[$s]:--}" 'BEGIN {
            r = (w > 0) ? n / w : 0
            printf "%-18s %7d %9.2f %9.2f %10.1f %9d %10.0f %7.1f%% %7.1f%% %9.2fx %9d %8s %7s\n",
                s, t, w, c, (n > 0 ? 1e6 * c / n : 0), n, r, (o1 > 0 ? 100 * r / o1 : 0),
                (oN > 0 ? 100 * r / oN : 0), (zw > 0 ? w / zw : 0), m, sh, vf }')
    echo "$line"
    if [[ -n $results ]]; then
        printf '%s %s %s %s\n' "$(grep -cv '^\$' "$work/${origin}zone")" "$shape" "$denial" "$line" >>"$results"
    fi
done
printf '\nzw_speedup = signer wall time / %s wall time (above 1: %s is faster).\n' "${signers[0]}" "${signers[0]}"
printf 'selfchk = share of the wall time spent in zonewarden'"'"'s self-check (every fresh signature verified).\n'
printf 'sigs/s = RRSIGs in the output / wall time, so parsing and writing count against it.\n'
printf 'cpu_us/sig = CPU time (user + system, all threads) per RRSIG: the least load-sensitive column.\n'
