# shellcheck shell=bash
# A loopback DNS hierarchy signed by zonewarden itself, for live-check tests (and the
# later issues' tests). Source tests/integration/lib.sh first, call zw_init, then:
#
#   zwh_build              keys, zones, signatures, server configs (no server started)
#   zwh_start              start every server and wait until each answers
#   zwh_probe ARGS...      zonewarden probe --resolver <unbound> --trust-anchor <root DS> ARGS
#
#   root "."      NSD    on $ZWH_ROOT     (a.root.)
#   "lab."        BIND   on $ZWH_TLD      (ns1.lab.), TSIG key zw-update (hmac-sha256) may
#                        update it: $ZWH_DIR/tsig.key, e.g. nsupdate -k $ZWH_DIR/tsig.key
#   "alpha.lab."  NSD    on $ZWH_NSD      (ns1.alpha.lab.)
#                 Knot   on $ZWH_KNOT     (ns2.alpha.lab.)
#                 Knot   also on ::1      (ns3.alpha.lab.) when ZWH_V6=1
#   Unbound       validating resolver on $ZWH_UNBOUND, root hints = the local root only,
#                 trust anchor = the local root's DS ($ZWH_DIR/root.ds)
#
# Knobs (environment, before zwh_build):
#   ZWH_TENANT_ALG=ecdsap256sha256  tenant key algorithm; ZWH_TENANT_BITS for RSA
#   ZWH_TENANT_KEYS=1               extra tenant KSKs beyond the first (grow the DNSKEY set)
#   ZWH_KNOT_SERIAL=<n>             Knot serves alpha.lab. signed with this (older) serial
#   ZWH_TAMPER_DS=1                 flip a bit in the RRSIG over alpha.lab. DS in the lab. zone
#   ZWH_V6=1                        add ns3.alpha.lab. AAAA ::1 (Knot); needs the ::1 lock
#   ZWH_TENANT_EXTRA=<file>         records appended to alpha.lab. before it is signed
#   ZWH_NO_DS=1                     lab. delegates alpha.lab. without DS (an insecure tenant)
# Everything listens on 127.x addresses from zw_addr (and ::1 only with ZWH_V6=1).

ZWH_SERIAL=${ZWH_SERIAL:-2}

# shellcheck source=../integration/hierarchy_parts.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/hierarchy_parts.sh"

zwh__tenant_zone() { # SERIAL OUT
    cat >"$2" <<EOF
\$TTL 300
alpha.lab. IN SOA ns1.alpha.lab. hostmaster.alpha.lab. $1 1800 900 604800 300
alpha.lab. IN NS ns1.alpha.lab.
alpha.lab. IN NS ns2.alpha.lab.
ns1.alpha.lab. IN A $ZWH_NSD
ns2.alpha.lab. IN A $ZWH_KNOT
www.alpha.lab. IN A 192.0.2.80
EOF
    if [[ ${ZWH_V6:-0} == 1 ]]; then
        echo "alpha.lab. IN NS ns3.alpha.lab." >>"$2"
        echo "ns3.alpha.lab. IN AAAA ::1" >>"$2"
    fi
    if [[ -n ${ZWH_TENANT_EXTRA:-} ]]; then
        cat "$ZWH_TENANT_EXTRA" >>"$2"
    fi
}

zwh_build() {
    zw_require nsd knotd named unbound dig dnssec-dsfromkey tsig-keygen
    [[ -x $ZONEWARDEN ]] || zw_fail "ZONEWARDEN must point at the zonewarden binary"
    zw_addr && ZWH_ROOT=$ZW_LAST_ADDR
    zw_addr && ZWH_TLD=$ZW_LAST_ADDR
    zw_addr && ZWH_NSD=$ZW_LAST_ADDR
    zw_addr && ZWH_KNOT=$ZW_LAST_ADDR
    zw_addr && ZWH_UNBOUND=$ZW_LAST_ADDR
    ZWH_DIR=$ZW_TMP
    local d=$ZWH_DIR
    mkdir -p "$d"/{nsd-root,nsd-alpha,knot,knot/storage,bind,unbound}
    mkdir -m 700 "$d"/{keys-root,keys-lab,keys-alpha}

    # Tenant: signed first, its DS goes into lab.
    hier_keys alpha.lab. "$d/keys-alpha" "${ZWH_TENANT_ALG:-ecdsap256sha256}" "${ZWH_TENANT_BITS:-}" \
        "${ZWH_TENANT_KEYS:-0}"
    zwh__tenant_zone "$ZWH_SERIAL" "$d/alpha.lab.zone"
    hier_sign alpha.lab. "$d/alpha.lab.zone" "$d/alpha.lab.signed" "$d/keys-alpha" 300
    if [[ -n ${ZWH_KNOT_SERIAL:-} ]]; then
        zwh__tenant_zone "$ZWH_KNOT_SERIAL" "$d/alpha.lab.old.zone"
        hier_sign alpha.lab. "$d/alpha.lab.old.zone" "$d/alpha.lab.knot.signed" "$d/keys-alpha" 300
    else
        cp "$d/alpha.lab.signed" "$d/alpha.lab.knot.signed"
    fi
    hier_ds "$d/keys-alpha" >"$d/alpha.lab.ds"

    hier_keys lab. "$d/keys-lab"
    {
        echo "\$TTL 300"
        echo "lab. IN SOA ns1.lab. hostmaster.lab. 1 1800 900 604800 300"
        echo "lab. IN NS ns1.lab."
        echo "ns1.lab. IN A $ZWH_TLD"
        echo "alpha.lab. IN NS ns1.alpha.lab."
        echo "alpha.lab. IN NS ns2.alpha.lab."
        echo "ns1.alpha.lab. IN A $ZWH_NSD"
        echo "ns2.alpha.lab. IN A $ZWH_KNOT"
        if [[ ${ZWH_V6:-0} == 1 ]]; then
            echo "alpha.lab. IN NS ns3.alpha.lab."
            echo "ns3.alpha.lab. IN AAAA ::1"
        fi
        [[ ${ZWH_NO_DS:-0} == 1 ]] || cat "$d/alpha.lab.ds"
    } >"$d/lab.zone"
    hier_sign lab. "$d/lab.zone" "$d/lab.signed" "$d/keys-lab" 300
    if [[ ${ZWH_TAMPER_DS:-0} == 1 ]]; then
        python3 "$ZWH_LIVE_DIR/../integration/tamper.py" "$d/lab.signed" alpha.lab. DS >"$d/lab.signed.tampered" ||
            zw_fail "tampering failed"
        mv "$d/lab.signed.tampered" "$d/lab.signed"
    fi
    hier_ds "$d/keys-lab" >"$d/lab.ds"

    hier_keys . "$d/keys-root"
    {
        echo "\$TTL 300"
        echo ". IN SOA a.root. hostmaster.root. 1 1800 900 604800 300"
        echo ". IN NS a.root."
        echo "a.root. IN A $ZWH_ROOT"
        echo "lab. IN NS ns1.lab."
        echo "ns1.lab. IN A $ZWH_TLD"
        cat "$d/lab.ds"
    } >"$d/root.zone"
    hier_sign . "$d/root.zone" "$d/root.signed" "$d/keys-root" 300
    hier_ds "$d/keys-root" >"$d/root.ds"

    hier_nsd_conf "$d/nsd-root" "$ZWH_ROOT" . "$d/root.signed"
    hier_nsd_conf "$d/nsd-alpha" "$ZWH_NSD" alpha.lab. "$d/alpha.lab.signed"
    local knot_listen=("$ZWH_KNOT@53")
    [[ ${ZWH_V6:-0} == 1 ]] && knot_listen+=("::1@53")
    hier_knot_conf "$d/knot" alpha.lab. "$d/alpha.lab.knot.signed" "${knot_listen[@]}"

    tsig-keygen -a hmac-sha256 zw-update >"$d/tsig.key" || zw_fail "tsig-keygen"
    cp "$d"/keys-lab/K* "$d/bind/"
    cp "$d/lab.signed" "$d/bind/lab.db"
    cat >"$d/bind/named.conf" <<EOF
include "$d/tsig.key";
$(zw_bind_options "$d/bind" "$ZWH_TLD" "notify no;" "minimal-responses no;")
zone "lab." {
    type primary;
    file "$d/bind/lab.db";
    key-directory "$d/bind";
    // RFC 2136 updates with TSIG (RFC 8945); BIND re-signs changed RRsets with the
    // zonewarden-made keys in key-directory.
    update-policy { grant zw-update zonesub ANY; };
};
EOF

    hier_resolver_conf "$d/unbound" "$ZWH_UNBOUND" "$ZWH_ROOT" "$d/root.ds" \
        "$([[ ${ZWH_V6:-0} == 1 ]] && echo yes || echo no)"
}

zwh_start() {
    zw_start nsd_root nsd -d -c "$ZWH_DIR/nsd-root/nsd.conf"
    zw_start nsd_alpha nsd -d -c "$ZWH_DIR/nsd-alpha/nsd.conf"
    zw_start knot knotd -c "$ZWH_DIR/knot/knot.conf"
    zw_start bind named -g -c "$ZWH_DIR/bind/named.conf"
    zw_start unbound unbound -d -c "$ZWH_DIR/unbound/unbound.conf"
    zw_wait_dns nsd_root "$ZWH_ROOT" . SOA
    zw_wait_dns nsd_alpha "$ZWH_NSD" alpha.lab. SOA
    zw_wait_dns knot "$ZWH_KNOT" alpha.lab. SOA
    zw_wait_dns bind "$ZWH_TLD" lab. SOA
    zw_wait_dns unbound "$ZWH_UNBOUND" . SOA
    # The resolver validates the whole chain (AD set) unless a test broke it on purpose.
    if [[ ${ZWH_TAMPER_DS:-0} != 1 && ${ZWH_NO_DS:-0} != 1 ]]; then
        dig +time=2 +tries=2 @"$ZWH_UNBOUND" www.alpha.lab. A | grep -q 'flags:.* ad' ||
            zw_fail "unbound does not validate www.alpha.lab. through the local hierarchy"
    fi
}

zwh_probe() {
    "$ZONEWARDEN" probe --resolver "$ZWH_UNBOUND" --trust-anchor "$ZWH_DIR/root.ds" --timeout-ms 500 --attempts 2 "$@"
}
