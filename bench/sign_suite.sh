#!/usr/bin/env bash
# The whole signing comparison in one run (bench/README.md): the same generated zones
# (hosting and delegation-heavy, 100k and 1M records) and the same KSK + ZSK for
# zonewarden, ldns-signzone, dnssec-signzone and kzonesign, alternating; zonewarden on one
# and two threads and with NSEC3; incremental re-signing after a one-record change in the
# 1M zone; 10k zones of 20 records. OpenSSL's ceiling is measured once at the start.
#
#   bench/sign_suite.sh [--zonewarden PATH] [--runs R] [--runs-1m R] [--large N]
#                       [--small N] [--tenants N] [--skip-large] [--nsec3-1m]
#                       [--no-delegations-1m] [--skip-full] [--skip-incremental] [--out FILE]
#
# Defaults: build/app/zonewarden, 3 runs at 100k, 1 run at 1M (--large 1000000),
# --small 100000, 10000 tenant zones; NSEC3 at 100k only unless --nsec3-1m; --skip-full
# and --skip-incremental leave those parts out. Run it under
# `nice -n 10` on a shared machine; it takes about 25 minutes with the defaults. The summary also goes to --out (default
# bench-results.txt in the current directory). Nothing in it is asserted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
zw=$root/build/app/zonewarden
runs=3 runs_large=1 large=1000000 small=100000 tenants=10000 skip_large=0 nsec3_large=0 delegations_large=1 skip_full=0 skip_incremental=0
out=bench-results.txt
while (($#)); do
    case $1 in
    --zonewarden) zw=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --runs-1m) runs_large=$2; shift 2 ;;
    --large) large=$2; shift 2 ;;
    --small) small=$2; shift 2 ;;
    --tenants) tenants=$2; shift 2 ;;
    --skip-large) skip_large=1; shift ;;
    --nsec3-1m) nsec3_large=1; shift ;;
    --no-delegations-1m) delegations_large=0; shift ;;
    --skip-full) skip_full=1; shift ;;
    --skip-incremental) skip_incremental=1; shift ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "sign_suite.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -x $zw ]] || { echo "sign_suite.sh: no zonewarden at $zw" >&2; exit 1; }
zw=$(cd "$(dirname "$zw")" && pwd)/$(basename "$zw")

work=$(mktemp -d "${TMPDIR:-/tmp}/zw-suite.XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { printf '[suite %s] %s\n' "$(date +%T)" "$*" >&2; }
origin=bench.test.
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$out"
say() { printf '%s\n' "$*" | tee -a "$out"; }

# --- OpenSSL's ceiling, once -----------------------------------------------------------
ossl_rate() {
    openssl speed -seconds 3 "$@" ecdsap256 2>/dev/null |
        awk '/ecdsa/ && $NF ~ /^[0-9.]+$/ { s = $(NF - 1); v = $NF } END { print s + 0, v + 0 }'
}
read -r ossl1 verify1 < <(ossl_rate)
read -r ossl2 verify2 < <(ossl_rate -multi 2)
log "openssl ecdsap256: sign $ossl1/s, verify $verify1/s on 1 core; sign $ossl2/s, verify $verify2/s on 2"

# --- zones and keys, shared by everything ----------------------------------------------
mkdir -m 0700 "$work/keys"
dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -f KSK -n ZONE "$origin" >/dev/null
dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -n ZONE "$origin" >/dev/null
sizes=("$small")
((skip_large)) || sizes+=("$large")
for n in "${sizes[@]}"; do
    for shape in hosting delegations; do
        ((skip_full)) && { [[ $shape == hosting && $n == "${sizes[-1]}" ]] || continue; }
        python3 "$root/tests/integration/gen_zone.py" --origin "$origin" --records "$n" --shape "$shape" --seed 1 \
            >"$work/$shape.$n.zone"
    done
done

results=$work/results.txt
((skip_full)) || log "full signing tables follow; they are also kept in $out.tables"
bench() { # RECORDS SHAPE RUNS ARGS...
    local n=$1 shape=$2 r=$3
    shift 3
    "$here/sign_bench.sh" --zonewarden "$zw" --records "$n" --shape "$shape" --runs "$r" --keys "$work/keys" \
        --zone "$work/$shape.$n.zone" --ossl "$ossl1 $ossl2" --results "$results" "$@" 2>>"$work/bench.log" |
        tee -a "$work/tables.txt" "$out.tables" >&2
}
all="zonewarden ldns-signzone dnssec-signzone kzonesign"

if ((!skip_full)); then
log "$small records: all signers, both shapes, $runs runs each"
bench "$small" hosting "$runs" --signers "zonewarden zonewarden:1 ${all#zonewarden }"
bench "$small" delegations "$runs" --signers "$all"
bench "$small" hosting "$runs" --nsec3 --signers "zonewarden"
if ((!skip_large)); then
    # dnssec-verify needs about 3 CPU minutes per 1M-record output: zonewarden's hosting
    # NSEC output is verified through the incremental run below, which keeps its signatures.
    log "$large records: $runs_large run(s) each"
    bench "$large" hosting "$runs_large" --signers "$all" --verify-signers none
    ((delegations_large)) && bench "$large" delegations "$runs_large" --signers "$all" --verify-signers zonewarden
    ((nsec3_large)) && bench "$large" hosting "$runs_large" --nsec3 --signers zonewarden --verify-signers none
fi
fi

# --- incremental: one record changed in the largest zone ------------------------------
if ((!skip_incremental)); then
n=${sizes[-1]}
inc=$work/incremental
mkdir -p "$inc"
cp "$work/hosting.$n.zone" "$inc/zone"
timed() { # LABEL CMD... -> appends "LABEL wall MiB" to $inc/times, log in $inc/LABEL.log
    local label=$1
    shift
    /usr/bin/time -f '%e %M' -o "$inc/time" "$@" >"$inc/$label.log" 2>&1 || {
        log "$label failed: $(tail -n 3 "$inc/$label.log")"
        exit 1
    }
    printf '%s %s %s\n' "$label" "$(cut -d' ' -f1 "$inc/time")" "$(($(cut -d' ' -f2 "$inc/time") / 1024))" >>"$inc/times"
}
sign_inc=("$zw" sign --zone-file "$inc/zone" --origin "$origin" --key-dir "$work/keys" --out "$inc/signed" --threads 2)
log "incremental: full sign of $n records with state, then one-record changes"
timed full-with-state "${sign_inc[@]}" --incremental
grep -h '^stages:' "$inc/full-with-state.log" >&2
for k in 1 2 3 4 5; do
    # One A record changes its address each time (a new serial is not needed: keep).
    awk -v k="$k" '!done && $3 == "A" && $1 ~ /^[a-z]+-[0-9]+$/ { $4 = "203.0.113." k; done = 1 } { print }' OFS='\t' \
        "$inc/zone" >"$inc/zone.new" && mv "$inc/zone.new" "$inc/zone"
    timed "incremental-$k" "${sign_inc[@]}" --incremental
    grep -h '^stages:\|^incremental:\|^text:\|^state:' "$inc/incremental-$k.log" >&2
done
if dnssec-verify -q -o "$origin" "$inc/signed" >"$inc/verify.log" 2>&1; then inc_verify=OK; else inc_verify=FAILED; fi
log "dnssec-verify of the incremental output: $inc_verify"
fi

# --- many small zones --------------------------------------------------------------------
log "$tenants zones of 20 records"
mkdir -p "$work/tenants/keys" "$work/tenants/zones" "$work/tenants/out"
chmod 0700 "$work/tenants/keys"
python3 - "$work/tenants" "$tenants" "$work/keys" <<'EOF'
import glob, os, sys
base, count, keydir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# One key pair for all tenants, renamed per zone: signing cost is the same, keygen is not timed.
keys = {}
for path in glob.glob(os.path.join(keydir, "Kbench.test.+*")):
    keys[os.path.basename(path)] = open(path).read()
for i in range(count):
    z = f"t{i}.tenants.test."
    with open(os.path.join(base, "zones", f"{z}zone"), "w") as f:
        f.write(f"$ORIGIN {z}\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n"
                "ns1 A 192.0.2.1\nns2 A 192.0.2.2\n@ MX 10 mail\nmail A 192.0.2.25\n@ A 192.0.2.80\n"
                "@ AAAA 2001:db8::80\nwww CNAME @\n@ TXT \"v=spf1 mx -all\"\n")
        for h in range(9):
            f.write(f"h{h} A 198.51.100.{h + 1}\n")
    for name, text in keys.items():
        new = name.replace("Kbench.test.", f"K{z}")
        with open(os.path.join(base, "keys", new), "w") as f:
            f.write(text.replace("bench.test.", z))
        if new.endswith(".private"):
            os.chmod(os.path.join(base, "keys", new), 0o600)
EOF
ls "$work/tenants/zones" | sed 's/zone$//' >"$work/tenants/list"
# A failing zone must not end the suite: it is counted and its message shown instead.
/usr/bin/time -f '%e %U %S' -o "$work/tenants/time" \
    xargs -P 2 -I{} "$zw" sign --zone-file "$work/tenants/zones/{}zone" --origin {} --key-dir "$work/tenants/keys" \
        --out "$work/tenants/out/{}signed" --threads 1 <"$work/tenants/list" >"$work/tenants.log" 2>&1 || true
read -r tenant_wall tenant_user tenant_sys < <(tail -n 1 "$work/tenants/time")
grep -v '^signed \|^stages: ' "$work/tenants.log" | sort | uniq -c | sort -rn | head -n 5 >&2 || true
tenant_ok=$(grep -c '^signed ' "$work/tenants.log" || true)
# The same zones in one process (sign --manifest), two at a time on two threads.
mkdir -p "$work/tenants/out-manifest"
sed 's|.*|'"$work"'/tenants/zones/&zone & '"$work"'/tenants/out-manifest/&signed|' "$work/tenants/list" >"$work/tenants/manifest"
/usr/bin/time -f '%e %U %S' -o "$work/tenants/time" "$zw" sign --manifest "$work/tenants/manifest" \
    --key-dir "$work/tenants/keys" --threads 2 >"$work/tenants-manifest.log" 2>&1 || true
read -r manifest_wall manifest_user manifest_sys < <(tail -n 1 "$work/tenants/time")
manifest_ok=$(grep -c '^signed ' "$work/tenants-manifest.log" || true)
one=$(ls "$work/tenants/out" | sed -n 1p)
tenant_verify=OK
for d in out out-manifest; do
    dnssec-verify -q -o "${one%signed}" "$work/tenants/$d/$one" >/dev/null 2>&1 || tenant_verify="FAILED ($d/$one)"
done

# --- summary -----------------------------------------------------------------------------
say "zonewarden signing suite, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(openssl version | cut -d' ' -f1-2)"
say "load average: $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; total $(($(date +%s) - started)) s"
say "openssl speed ecdsap256: sign $ossl1/s (1 core), $ossl2/s (2 cores); verify $verify1/s (1 core), $verify2/s (2 cores)"
say ""
if ((!skip_full)); then
    say "Full signing (ECDSA P-256 KSK+ZSK; medians of $runs run(s) at $small, $runs_large at $large$( ((delegations_large)) || echo '; 1M delegations not run'))):"
    say "$(printf '%-8s %-12s %-6s %s' records shape denial "$(sed -n '/^signer /{p;q}' "$work/tables.txt")")"
    while read -r n_ shape_ denial_ line; do say "$(printf '%-8s %-12s %-6s %s' "$n_" "$shape_" "$denial_" "$line")"; done <"$results"
    # The second core of a shared VM may give less than a core: OpenSSL's own scaling in
    # the same run is the ceiling to read zonewarden's against.
    scaling=$(awk '$2 == "hosting" && $3 == "NSEC" { wall[$1 " " $4] = $6 }
                   $2 == "hosting" && $3 == "NSEC" && $4 == "zonewarden:1" { n = $1 }
                   END { two = wall[n " zonewarden"]; one = wall[n " zonewarden:1"]
                         if (one > 0 && two > 0) printf "%.2f", one / two }' "$results")
    [[ -n $scaling ]] && say "1 -> 2 threads at $small hosting: zonewarden ${scaling}x; openssl speed sign $(awk -v a="$ossl2" -v b="$ossl1" 'BEGIN { printf "%.2f", a / b }')x in this run"
    say ""
fi
((skip_incremental)) || {
say "Incremental, $n-record hosting zone (wall s, peak MiB):"
while read -r label w m; do
    detail=$(grep -h '^incremental:\|^text:\|^state:' "$inc/$label.log" | sed 's/^incremental: //' | paste -sd '|' | sed 's/|/; /')
    say "$(printf '  %-16s %7.2f s %6s MiB  %s' "$label" "$w" "$m" "$detail")"
done <"$inc/times"
full=$(awk '$1 == "full-with-state" { print $2 }' "$inc/times")
med=$(awk '$1 ~ /^incremental-/ { print $2 }' "$inc/times" | sort -g | sed -n 3p)
say "  median incremental / full: $(awk -v a="$med" -v b="$full" 'BEGIN { printf "%.1f%%", 100 * a / b }'); dnssec-verify of the result: $inc_verify"
say ""
}
say "$tenants zones of 20 records (23 RRs, ~30 RRSIGs each), one process per zone, 2 in parallel:"
say "  $tenant_ok signed in $(printf '%.1f' "$tenant_wall") s: $(awk -v w="$tenant_wall" -v n="$tenants" -v u="$tenant_user" -v s="$tenant_sys" 'BEGIN { printf "%.1f ms per zone (wall, 2 at a time), %.1f zones/s, %.1f ms CPU per zone", 1000 * w / n, n / w, 1000 * (u + s) / n }')"
say "  $manifest_ok signed by one 'sign --manifest' process (--threads 2) in $(printf '%.1f' "$manifest_wall") s: $(awk -v w="$manifest_wall" -v n="$tenants" -v u="$manifest_user" -v s="$manifest_sys" 'BEGIN { printf "%.1f ms per zone (wall), %.1f zones/s, %.1f ms CPU per zone", 1000 * w / n, n / w, 1000 * (u + s) / n }')"
say "  (each zone is written with fsync of the file and its directory, as for a name server; all $((4 * tenants))"
say "  key files in one --key-dir). dnssec-verify of one zone from each way: $tenant_verify"
