#!/usr/bin/env bash
# Live-check throughput: `zonewarden probe` over N tenant zones (default 1000), each served
# by 4 addresses (NSD on two, Knot on two), delegated from a BIND-served "lab." under a
# local root, discovered through a local validating Unbound. Loopback only (127.x from
# tests/integration/lib.sh). Not part of ctest.
#
#   sudo bench/probe_bench.sh [--zonewarden build/app/zonewarden] [--zones 1000]
#
# Prints the total time of the probe run, its discovery part, and queries per second.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ZONEWARDEN=$root/build/app/zonewarden
N=1000
while [[ $# -gt 0 ]]; do
    case $1 in
        --zonewarden) ZONEWARDEN=$(realpath "$2"); shift 2 ;;
        --zones) N=$2; shift 2 ;;
        *) echo "usage: $0 [--zonewarden BIN] [--zones N]" >&2; exit 2 ;;
    esac
done
# shellcheck source=../tests/integration/lib.sh
source "$root/tests/integration/lib.sh"
ZWH_LIVE_DIR=$root/tests/live
# shellcheck source=../tests/live/hierarchy.sh
source "$ZWH_LIVE_DIR/hierarchy.sh"
zw_init probe-bench
zw_require nsd knotd named unbound dig dnssec-dsfromkey python3
d=$ZW_TMP
for v in ROOT TLD N1 N2 K1 K2 U; do zw_addr; printf -v "A_$v" '%s' "$ZW_LAST_ADDR"; done

zw_log "making $N tenant zones (one key pair, renamed per zone, to keep set-up short)"
mkdir -m 700 "$d/tmpl" "$d/keys-lab" "$d/keys-root"
mkdir -p "$d/tenants" "$d/nsd" "$d/knot/storage" "$d/bind" "$d/unbound"
hier_keys t0.lab. "$d/tmpl"
for ((i = 0; i < N; i++)); do
    k=$d/tenants/keys-t$i
    mkdir -m 700 "$k"
    for f in "$d"/tmpl/Kt0.lab.*; do
        b=$(basename "$f")
        sed "s/^t0\.lab\./t$i.lab./" "$f" >"$k/${b/Kt0.lab./Kt$i.lab.}"
    done
    chmod 600 "$k"/*.private
    cat >"$d/tenants/t$i.zone" <<EOF
\$TTL 300
t$i.lab. IN SOA ns1.hosting.lab. hostmaster.hosting.lab. 1 1800 900 604800 300
t$i.lab. IN NS ns1.hosting.lab.
t$i.lab. IN NS ns2.hosting.lab.
t$i.lab. IN NS ns3.hosting.lab.
t$i.lab. IN NS ns4.hosting.lab.
www.t$i.lab. IN A 192.0.2.80
EOF
done
zw_log "signing $N zones with zonewarden"
seq 0 $((N - 1)) | xargs -P 2 -I{} "$ZONEWARDEN" sign --zone-file "$d/tenants/t{}.zone" --origin t{}.lab. \
    --key-dir "$d/tenants/keys-t{}" --out "$d/tenants/t{}.signed" --threads 1 >/dev/null ||
    zw_fail "signing the tenants failed"

hier_keys lab. "$d/keys-lab"
# The DS digest covers the owner name (RFC 4034 §5.1.4): one per tenant.
for ((i = 0; i < N; i++)); do hier_ds "$d/tenants/keys-t$i"; done >"$d/tenants.ds"
{
    echo "\$TTL 300"
    echo "lab. IN SOA ns1.lab. hostmaster.lab. 1 1800 900 604800 300"
    echo "lab. IN NS ns1.lab."
    echo "ns1.lab. IN A $A_TLD"
    echo "ns1.hosting.lab. IN A $A_N1"
    echo "ns2.hosting.lab. IN A $A_N2"
    echo "ns3.hosting.lab. IN A $A_K1"
    echo "ns4.hosting.lab. IN A $A_K2"
    for ((i = 0; i < N; i++)); do
        for s in 1 2 3 4; do echo "t$i.lab. IN NS ns$s.hosting.lab."; done
    done
    cat "$d/tenants.ds"
} >"$d/lab.zone"
hier_sign lab. "$d/lab.zone" "$d/bind/lab.db" "$d/keys-lab" 300
hier_keys . "$d/keys-root"
{
    echo "\$TTL 300"
    echo ". IN SOA a.root. hostmaster.root. 1 1800 900 604800 300"
    echo ". IN NS a.root."
    echo "a.root. IN A $A_ROOT"
    echo "lab. IN NS ns1.lab."
    echo "ns1.lab. IN A $A_TLD"
    hier_ds "$d/keys-lab"
} >"$d/root.zone"
hier_sign . "$d/root.zone" "$d/root.signed" "$d/keys-root" 300
hier_ds "$d/keys-root" >"$d/root.ds"

mkdir -p "$d/nsd-root"
hier_nsd_conf "$d/nsd-root" "$A_ROOT" . "$d/root.signed"
hier_nsd_conf "$d/nsd" "$A_N1 $A_N2" t0.lab. "$d/tenants/t0.signed"
hier_knot_conf "$d/knot" t0.lab. "$d/tenants/t0.signed" "$A_K1@53" "$A_K2@53"
for ((i = 1; i < N; i++)); do
    hier_nsd_zone "t$i.lab." "$d/tenants/t$i.signed" >>"$d/nsd/nsd.conf"
    hier_knot_zone "t$i.lab." "$d/tenants/t$i.signed" >>"$d/knot/knot.conf"
done
cat >"$d/bind/named.conf" <<EOF
$(zw_bind_options "$d/bind" "$A_TLD" "notify no;")
zone "lab." { type primary; file "$d/bind/lab.db"; };
EOF
hier_resolver_conf "$d/unbound" "$A_U" "$A_ROOT" "$d/root.ds" no "msg-cache-size: 64m" "rrset-cache-size: 64m"

zw_start nsd_root nsd -d -c "$d/nsd-root/nsd.conf"
zw_start nsd nsd -d -c "$d/nsd/nsd.conf"
zw_start knot knotd -c "$d/knot/knot.conf"
zw_start bind named -g -c "$d/bind/named.conf"
zw_start unbound unbound -d -c "$d/unbound/unbound.conf"
zw_wait_dns nsd_root "$A_ROOT" . SOA
zw_wait_dns bind "$A_TLD" lab. SOA
zw_wait_dns unbound "$A_U" . SOA
last=t$((N - 1)).lab.
for a in "$A_N1" "$A_N2" "$A_K1" "$A_K2"; do
    for ((n = 0; n < 100; n++)); do
        dig +time=1 +tries=1 +norec @"$a" "$last" SOA | grep -q 'status: NOERROR' && break
        sleep 0.2
    done
done

zones=()
for ((i = 0; i < N; i++)); do zones+=("t$i.lab."); done
zw_log "probing $N zones x 4 addresses"
rc=0
"$ZONEWARDEN" probe --resolver "$A_U" --trust-anchor "$d/root.ds" --json "${zones[@]}" >"$d/probe.json" || rc=$?
python3 - "$d/probe.json" "$N" "$rc" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
n, rc = int(sys.argv[2]), int(sys.argv[3])
s = j["stats"]
ok = sum(1 for z in j["zones"] if z.get("ok"))
addrs = sum(len(z.get("child_servers", [])) for z in j["zones"])
print(f"zones: {n}, passing: {ok}, child addresses probed: {addrs}, exit {rc}")
print(f"total: {s['total_seconds']:.2f} s (discovery {s['discovery_seconds']:.2f} s, "
      f"checks {s['total_seconds'] - s['discovery_seconds']:.2f} s)")
print(f"queries: {s['queries']} ({s['tcp']} TCP, {s['timeouts']} timeouts), "
      f"{s['queries'] / s['total_seconds']:.0f} queries/s")
PY
[[ $rc == 0 ]] || zw_fail "probe did not pass (exit $rc)"
