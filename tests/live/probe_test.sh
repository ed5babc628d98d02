#!/usr/bin/env bash
# Live checks against the loopback hierarchy (hierarchy.sh): `zonewarden probe` must pass
# only when every server answers, agrees and validates, and name what is wrong otherwise.
#   probe_test.sh --zonewarden BIN CASE
# CASE: agree | lag | down | tampered | ds_differs | tcp | ipv6
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib.sh
source "$here/../integration/lib.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
case=${1:?case}
ZWH_LIVE_DIR=$here
# shellcheck source=hierarchy.sh
source "$here/hierarchy.sh"
zw_init "live-$case"

out=$ZW_TMP/probe.out
probe() { # expected-exit ARGS...
    local want=$1 rc=0
    shift
    zwh_probe "$@" >"$out" 2>&1 || rc=$?
    cat "$out" >&2
    [[ $rc == "$want" ]] || zw_fail "probe exited $rc, expected $want"
}
expect_line() { grep -q -- "$1" "$out" || zw_fail "probe output lacks: $1"; }

case $case in
    agree)
        zwh_build && zwh_start
        probe 0 alpha.lab.
        expect_line "OK: every server answered, agrees and validates"
        expect_line "ns1.alpha.lab./$ZWH_NSD .*serial $ZWH_SERIAL .*secure"
        expect_line "ns2.alpha.lab./$ZWH_KNOT .*serial $ZWH_SERIAL .*secure"
        expect_line "ns1.lab./$ZWH_TLD .*DS .*secure"
        # The JSON form says the same, per server.
        zwh_probe --json alpha.lab. >"$ZW_TMP/probe.json"
        python3 - "$ZW_TMP/probe.json" "$ZWH_NSD" "$ZWH_KNOT" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
z = j["zones"][0]
assert j["exit"] == 0 and z["ok"], z["problems"]
addrs = sorted(s["address"] for s in z["child_servers"])
assert addrs == sorted(sys.argv[2:4]), addrs
for s in z["child_servers"]:
    assert s["dnskey"]["state"] == "secure" and len(s["dnskey"]["key_tags"]) == 2, s
for s in z["parent_servers"]:
    assert s["ds"]["state"] == "secure" and s["ds"]["present"], s
PY
        # Expectations: the DS set we published holds; a higher serial does not.
        probe 0 --expect-ds "$ZWH_DIR/alpha.lab.ds" alpha.lab.
        probe 1 --min-serial $((ZWH_SERIAL + 1)) alpha.lab.
        expect_line "serial $ZWH_SERIAL older than $((ZWH_SERIAL + 1))"
        ;;
    lag)
        ZWH_KNOT_SERIAL=1; zwh_build && zwh_start
        probe 1 alpha.lab.
        expect_line "FAIL: child serial: ns2.alpha.lab./$ZWH_KNOT: serial 1 older than $ZWH_SERIAL"
        grep -q "FAIL: .*ns1.alpha.lab./$ZWH_NSD" "$out" && zw_fail "the up-to-date server was blamed"
        ;;
    down)
        zwh_build && zwh_start
        zw_stop knot
        probe 1 alpha.lab.
        expect_line "ns2.alpha.lab./$ZWH_KNOT: no answer (unreachable"
        ;;
    tampered)
        ZWH_TAMPER_DS=1; zwh_build && zwh_start
        probe 1 alpha.lab.
        expect_line "ns1.lab./$ZWH_TLD .*DS .*bogus"
        expect_line "does not verify"
        # The resolver agrees: the chain is broken for everyone.
        dig +time=2 +tries=1 @"$ZWH_UNBOUND" www.alpha.lab. A | grep -q 'status: SERVFAIL' ||
            zw_fail "unbound did not SERVFAIL on the tampered chain"
        ;;
    ds_differs)
        zwh_build && zwh_start
        # A second DS for the tenant arrives at the parent by TSIG-signed dynamic update
        # (RFC 2136), as a registrar adapter would send it; BIND re-signs the DS RRset.
        zw_keyfile=$(ls "$ZWH_DIR"/keys-alpha/K*.key | head -1)
        extra="alpha.lab. 300 IN DS 4711 13 2 $(printf '%064d' 0 | tr 0 a)"
        nsupdate -k "$ZWH_DIR/tsig.key" <<EOT || zw_fail "nsupdate failed"
server $ZWH_TLD 53
zone lab.
update add $extra
send
EOT
        probe 1 --expect-ds "$ZWH_DIR/alpha.lab.ds" alpha.lab.
        expect_line "DS at the parent differs from the expected set: ns1.lab./$ZWH_TLD: unexpected {4711 13 2 AAAA"
        # The updated DS RRset is signed by BIND with zonewarden's keys and still validates.
        expect_line "ns1.lab./$ZWH_TLD .*DS .*4711/13/2.* secure"
        : "$zw_keyfile"
        ;;
    tcp)
        # Two extra RSA-4096 KSKs: the DNSKEY set with its signatures exceeds 1232 octets.
        ZWH_TENANT_ALG=rsasha256 ZWH_TENANT_BITS=4096 ZWH_TENANT_KEYS=1; zwh_build && zwh_start
        probe 0 alpha.lab.
        expect_line "ns1.alpha.lab./$ZWH_NSD .*DNSKEY .*(tcp)"
        expect_line "ns2.alpha.lab./$ZWH_KNOT .*DNSKEY .*(tcp)"
        expect_line "over TCP"
        grep -q " 0 over TCP" "$out" && zw_fail "no query went over TCP"
        ;;
    ipv6)
        ip -6 addr show dev lo | grep -q 'inet6 ::1/128' || {
            ip -6 addr add ::1/128 dev lo || zw_skip "cannot add ::1 to lo"
        }
        ZWH_V6=1; zwh_build && zwh_start
        zw_wait_dns knot ::1 alpha.lab. SOA
        probe 0 alpha.lab.
        expect_line "ns3.alpha.lab./::1 .*serial $ZWH_SERIAL .*secure"
        ;;
    *) zw_fail "unknown case $case" ;;
esac
zw_log "passed"
