#!/usr/bin/env bash
# Serve a zonewarden-signed zone with NSD and resolve it through a validating Unbound
# whose only trust anchor is the zone's DS (made from the KSK file, not from the signed
# zone). Positive answers, NXDOMAIN, NODATA, empty non-terminals, wildcards and the
# secure delegation's DS must come back with AD; the insecure delegation's data without
# AD. Then a copy of the zone with one corrupted RRSIG is served: that name must give
# SERVFAIL (and its data with +cd), while the rest still validates.
#
#   serve_validate.sh [--zonewarden PATH] [DENIAL [ALG]]
#     DENIAL  nsec (default) | nsec3 | nsec3-optout;  ALG  default ecdsap256sha256
#
# Uses three fresh loopback addresses (NSD, Unbound, a fake root where nothing listens);
# nothing outside 127.0.0.0/8. Exit 0 pass, 1 fail, 77 skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=hierarchy_parts.sh
source "$here/hierarchy_parts.sh"

zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw=$ZONEWARDEN
while (($#)); do
    case $1 in
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    --*) echo "serve_validate.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
denial=${1:-nsec}
alg=${2:-ecdsap256sha256}
case $denial in nsec | nsec3 | nsec3-optout) ;; *) echo "bad DENIAL '$denial'" >&2; exit 2 ;; esac

zw_init "serve-$denial-$alg"
[[ -x $zw ]] || zw_fail "zonewarden binary '$zw' is missing or not executable (build it first)"
zw_require python3 nsd unbound dig dnssec-dsfromkey named-checkzone

origin=example.test.
tmp=$ZW_TMP
kd=$tmp/keys

zw_addr; ns_addr=$ZW_LAST_ADDR     # NSD
zw_addr; res_addr=$ZW_LAST_ADDR    # Unbound
zw_addr; root_addr=$ZW_LAST_ADDR   # fake root in the hints: nothing listens there

# --- zones and keys -------------------------------------------------------------------
python3 "$here/gen_zone.py" --origin "$origin" --records 2000 --shape delegations --seed 7 \
    --ns-addr "$ns_addr" >"$tmp/unsigned.zone" || zw_fail "gen_zone.py failed"
ksk=$("$zw" keygen --zone "$origin" --algorithm "$alg" --role ksk --key-dir "$kd") || zw_fail "keygen ksk failed"
"$zw" keygen --zone "$origin" --algorithm "$alg" --role zsk --key-dir "$kd" >/dev/null || zw_fail "keygen zsk failed"
[[ -f $kd/$ksk.key ]] || zw_fail "keygen printed '$ksk' but $kd/$ksk.key does not exist"

sign_args=(sign --zone-file "$tmp/unsigned.zone" --origin "$origin" --key-dir "$kd" --out "$tmp/signed.zone")
case $denial in
nsec3) sign_args+=(--nsec3) ;;
nsec3-optout) sign_args+=(--nsec3 --opt-out) ;;
esac
rc=0
"$zw" "${sign_args[@]}" >"$tmp/sign.out" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || zw_fail "zonewarden ${sign_args[*]} exited $rc: $(tail -n 20 "$tmp/sign.out")"

# The trust anchor comes from the KSK file, independently of what the signer published.
dnssec-dsfromkey -2 "$kd/$ksk.key" >"$tmp/anchor.ds" 2>"$tmp/dsfromkey.err" ||
    zw_fail "dnssec-dsfromkey failed on $ksk.key: $(cat "$tmp/dsfromkey.err")"

# Copy with the RRSIG over tampered.<origin> A corrupted (one base64 character changed).
zw_normalize "$origin" "$tmp/signed.zone" "$tmp/signed.norm" || zw_fail "BIND cannot load the signed zone"
python3 "$here/tamper.py" "$tmp/signed.norm" "tampered.$origin" A >"$tmp/tampered.zone" ||
    zw_fail "no RRSIG over tampered.$origin A to corrupt"

# The insecure child, served by the same NSD (its glue in the parent points there).
cat >"$tmp/insecure.zone" <<EOF
\$ORIGIN insecure.$origin
\$TTL 300
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    IN NS  ns1
ns1  IN A   $ns_addr
www  IN A   192.0.2.99
EOF

printf '.\t3600000\tIN\tNS\tfake-root.\nfake-root.\t3600000\tIN\tA\t%s\n' "$root_addr" >"$tmp/root.hints"

# --- servers --------------------------------------------------------------------------
# write_nsd_conf ZONEFILE: the signed zone and its insecure child.
write_nsd_conf() {
    hier_nsd_conf "$tmp" "$ns_addr" "$origin" "$1"
    hier_nsd_zone "insecure.$origin" "$tmp/insecure.zone" >>"$tmp/nsd.conf"
}

cat >"$tmp/unbound.conf" <<EOF
server:
    interface: $res_addr
    outgoing-interface: $res_addr
    port: 53
    do-ip4: yes
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    username: ""
    chroot: ""
    directory: "$tmp"
    pidfile: "$tmp/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    val-log-level: 2
    num-threads: 1
    so-reuseport: no
    module-config: "validator iterator"
    root-hints: "$tmp/root.hints"
    trust-anchor-file: "$tmp/anchor.ds"
    trust-anchor-signaling: no
    root-key-sentinel: no
    prefetch: no
    qname-minimisation: no
    # Unbound answers the special-use name test. (RFC 6761) itself unless told not to.
    local-zone: "test." nodefault
remote-control:
    control-enable: no
stub-zone:
    name: "$origin"
    stub-addr: $ns_addr
EOF

start_servers() { # ZONEFILE
    write_nsd_conf "$1"
    nsd-checkconf "$tmp/nsd.conf" || zw_fail "nsd-checkconf rejected $tmp/nsd.conf"
    zw_start nsd nsd -d -c "$tmp/nsd.conf"
    zw_wait_dns nsd "$ns_addr" "$origin" SOA
    dig +time=2 +tries=1 +norecurse @"$ns_addr" "$origin" SOA | grep -q 'status: NOERROR' ||
        zw_fail "NSD does not serve $origin from $1 (see $tmp/nsd.log)"
    unbound-checkconf "$tmp/unbound.conf" >/dev/null || zw_fail "unbound-checkconf rejected $tmp/unbound.conf"
    zw_start unbound unbound -d -c "$tmp/unbound.conf"
    zw_wait_dns unbound "$res_addr" localhost A
}

stop_servers() {
    zw_stop unbound
    zw_stop nsd
}

# --- queries --------------------------------------------------------------------------
failures=()
# expect QNAME TYPE RCODE ad|noad ANSWER-REGEX|- [DIG-OPTION...]
expect() {
    local qname=$1 qtype=$2 rcode=$3 ad=$4 pattern=$5 out flags status count
    shift 5
    out=$(dig +time=2 +tries=1 +dnssec "$@" @"$res_addr" "$qname" "$qtype" 2>&1) || true
    status=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out")
    flags=$(sed -n 's/^;; flags: \([^;]*\);.*/\1/p' <<<"$out")
    count=$(sed -n 's/.* ANSWER: \([0-9]*\),.*/\1/p' <<<"$out")
    local what="$qname $qtype${*:+ $*}" problem="" adnote=""
    [[ $ad == - && " $flags " == *" ad "* ]] && adnote=" (AD not required)"
    if [[ $status != "$rcode" ]]; then
        problem="rcode '${status:-none}', want $rcode"
    elif [[ $ad == ad && " $flags " != *" ad "* ]]; then
        problem="no AD flag (flags: $flags); the answer did not validate as secure"
    elif [[ $ad == noad && " $flags " == *" ad "* ]]; then
        problem="AD flag set (flags: $flags), want an insecure answer"
    elif [[ $pattern == - && $rcode == NOERROR && ${count:-x} != 0 ]]; then
        problem="ANSWER: $count, want an empty answer (NODATA)"
    elif [[ $pattern != - ]] && ! grep -qE "$pattern" <<<"$out"; then
        problem="answer does not match /$pattern/"
    fi
    if [[ -n $problem ]]; then
        failures+=("[$phase] $what: $problem")
        printf '%s\n' "--- [$phase] $what" "$out" >>"$tmp/failed-queries.txt"
        zw_log "  BAD  $what: $problem"
    else
        zw_log "  ok   $what -> $status${flags:+ ($flags)}$adnote"
    fi
}

phase="signed zone"
start_servers signed.zone
o=$origin
expect "www.$o" A NOERROR ad 'IN[[:space:]]+A[[:space:]]+192\.0\.2\.80'
expect "$o" MX NOERROR ad 'IN[[:space:]]+MX[[:space:]]+10 mail\.'
expect "$o" DNSKEY NOERROR ad 'IN[[:space:]]+DNSKEY[[:space:]]+257 '
# Proofs that rest on an NSEC3 *covering* a name (NXDOMAIN, wildcard expansion) are
# insecure when that NSEC3 has the opt-out flag (RFC 5155 9.2): with opt-out the data
# must still be right, but AD is not required. Matching proofs (NODATA, ENT) stay secure.
cover=ad
[[ $denial == nsec3-optout ]] && cover=-
expect "anything.wild.$o" A NOERROR $cover '^anything\.wild\..*IN[[:space:]]+A[[:space:]]+192\.0\.2\.81'
expect "alias.$o" A NOERROR ad 'CNAME[[:space:]]+www\..*'
expect "alias.$o" A NOERROR ad 'IN[[:space:]]+A[[:space:]]+192\.0\.2\.80'
expect "multi.$o" TXT NOERROR ad '"second string with spaces"'
expect "tampered.$o" A NOERROR ad '192\.0\.2\.66'
expect "no-such-name.$o" A NXDOMAIN $cover -
expect "zz.no-such-name.$o" AAAA NXDOMAIN $cover -
expect "www.$o" TXT NOERROR ad -                 # NODATA
expect "b.c.$o" A NOERROR ad -                   # empty non-terminal: NODATA, not NXDOMAIN
expect "wild.$o" A NOERROR ad -                  # ENT above the wildcard
expect "anything.wild.$o" MX NOERROR $cover -    # wildcard NODATA
expect "secure.$o" DS NOERROR ad 'IN[[:space:]]+DS[[:space:]]+'
if [[ $denial == nsec3-optout ]]; then
    # Opted out: the NSEC3 covering it proves only "maybe unsigned", so no AD (RFC 5155 6).
    expect "insecure.$o" DS NOERROR noad -
else
    expect "insecure.$o" DS NOERROR ad -         # proven absent DS
fi
expect "www.insecure.$o" A NOERROR noad '192\.0\.2\.99'
stop_servers

phase="tampered copy"
start_servers tampered.zone
expect "tampered.$o" A SERVFAIL - -
expect "tampered.$o" A NOERROR noad '192\.0\.2\.66' +cd
expect "www.$o" A NOERROR ad '192\.0\.2\.80'
grep -q 'tampered' "$ZW_TMP/unbound.log" || zw_log "note: unbound logged no validation failure for tampered.$o"
stop_servers

if ((${#failures[@]})); then
    for f in "${failures[@]}"; do
        printf 'FAIL [%s]: %s\n' "$ZW_TEST" "$f" >&2
    done
    echo "full dig output of failed queries: $tmp/failed-queries.txt" >&2
    exit 1
fi
zw_log "PASS: all answers validated as expected ($denial, $alg); the tampered RRSIG gave SERVFAIL"
