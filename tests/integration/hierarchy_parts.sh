# shellcheck shell=bash
# The parts every loopback root -> TLD -> tenant hierarchy of the tests and benchmarks is
# built from (tests/live/hierarchy.sh: pre-signed, for the live checks and bench/;
# tests/e2e/lib.sh: tenants managed by zonewarden's operator commands). Source
# tests/integration/lib.sh first; ZONEWARDEN is the binary.
#
#   hier_keys ZONE DIR [ALG] [BITS] [EXTRA_KSKS]  a KSK (and EXTRA_KSKS more) and a ZSK
#   hier_sign ORIGIN IN OUT KEYDIR DNSKEY_TTL      zonewarden sign, one thread; the output
#                                                  of a failure is printed and the test fails
#   hier_ds KEYDIR                                 the DS (SHA-256) of every KSK, zone-file lines
#   hier_nsd_conf DIR "ADDR..." ZONE FILE [EXTRA]  nsd.conf in DIR for a zone on these
#                                                  addresses, remote control on DIR/nsd.ctl;
#                                                  EXTRA: more lines of the zone clause
#   hier_nsd_zone ZONE FILE                        one more zone clause (>> DIR/nsd.conf)
#   hier_knot_conf DIR ZONE FILE LISTEN...         knot.conf in DIR for a zone, control
#                                                  socket DIR/knot.sock, one listen per
#                                                  LISTEN (ADDR@53)
#   hier_knot_zone ZONE FILE                       one more zone (>> DIR/knot.conf)
#   hier_resolver_conf DIR ADDR ROOT_ADDR ANCHOR [V6 [STATEMENT...]]  a validating Unbound
#                                                  on ADDR whose only root hint is ROOT_ADDR
#                                                  and whose trust anchor is the root DS
#                                                  file ANCHOR; V6=yes lets it ask ::1

hier_keys() { # ZONE DIR [ALG] [BITS] [EXTRA_KSKS]
    local zone=$1 dir=$2 alg=${3:-ecdsap256sha256} bits=${4:-} extra=${5:-0} i bitsopt=()
    [[ -n $bits ]] && bitsopt=(--bits "$bits")
    for ((i = 0; i <= extra; i++)); do
        "$ZONEWARDEN" keygen --zone "$zone" --algorithm "$alg" --role ksk --key-dir "$dir" "${bitsopt[@]}" >/dev/null ||
            zw_fail "keygen $zone ksk"
    done
    "$ZONEWARDEN" keygen --zone "$zone" --algorithm "$alg" --role zsk --key-dir "$dir" "${bitsopt[@]}" >/dev/null ||
        zw_fail "keygen $zone zsk"
}

hier_sign() { # ORIGIN IN OUT KEYDIR DNSKEY_TTL
    "$ZONEWARDEN" sign --zone-file "$2" --origin "$1" --key-dir "$4" --out "$3" --threads 1 \
        --dnskey-ttl "$5" >"$ZW_TMP/sign.log" 2>&1 || {
        cat "$ZW_TMP/sign.log" >&2
        zw_fail "zonewarden sign $1 failed"
    }
}

hier_ds() { # KEYDIR
    local f
    for f in "$1"/K*.key; do
        [[ $(zw_keyfile_flags "$f") == 257 ]] || continue
        dnssec-dsfromkey -2 "$f" || zw_fail "dnssec-dsfromkey $f"
    done
}

# NSD answers for all its zones on all its addresses: one instance per zone that must not
# be seen elsewhere (the root apart from a tenant).
hier_nsd_conf() { # DIR "ADDR..." ZONE FILE [EXTRA]
    local dir=$1 addresses
    # shellcheck disable=SC2086 # a list of addresses
    addresses=$(printf '    ip-address: %s\n' $2)
    cat >"$dir/nsd.conf" <<EOF
server:
$addresses
    port: 53
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    server-count: 1
    verbosity: 1
    refuse-any: yes
    zonefiles-write: 0
remote-control:
    control-enable: yes
    control-interface: "$dir/nsd.ctl"
$(hier_nsd_zone "$3" "$4")
${5:-}
EOF
}

hier_nsd_zone() { # ZONE FILE
    printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$1" "$2"
}

hier_knot_conf() { # DIR ZONE FILE LISTEN...
    local dir=$1 zone=$2 file=$3 listen
    shift 3
    listen=$(printf '    listen: %s\n' "$@")
    mkdir -p "$dir/storage"
    cat >"$dir/knot.conf" <<EOF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
$listen
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
control:
    listen: "$dir/knot.sock"
log:
  - target: stderr
    any: info
database:
    storage: "$dir/storage"
template:
  - id: default
    storage: "$dir"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
$(hier_knot_zone "$zone" "$file")
EOF
}

hier_knot_zone() { # ZONE FILE
    printf '  - domain: %s\n    file: "%s"\n' "$1" "$2"
}

# TTLs are left as the zones set them (seconds): a cache cap would hide problems.
hier_resolver_conf() { # DIR ADDR ROOT_ADDR ANCHOR [V6 [STATEMENT...]]
    local dir=$1 address=$2 root=$3 anchor=$4 v6=${5:-no}
    shift $(($# < 5 ? $# : 5))
    cat >"$dir/root.hints" <<EOF
.          3600 IN NS a.root.
a.root.    3600 IN A  $root
EOF
    zw_unbound_conf "$dir" "$address" "$dir/root.hints" "$anchor" "do-ip6: $v6" "verbosity: 1" \
        "outgoing-range: 64" "module-config: \"validator iterator\"" "harden-referral-path: no" \
        "trust-anchor-signaling: no" "root-key-sentinel: no" "val-log-level: 2" "$@" >"$dir/unbound.conf"
}
