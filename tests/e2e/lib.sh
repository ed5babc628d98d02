# shellcheck shell=bash
# The end-to-end loopback hierarchy for zonewarden's operator commands. Source this file,
# call zw_init NAME, then:
#
#   e2e_build              addresses, keys, zones, server configs, hook scripts, config
#   e2e_start              start every server (and the registrar simulator) and wait for each
#   e2e_config             (re)write $E2E_CONF, the zonewarden configuration (knobs below)
#   zwc ARGS...            zonewarden --config $E2E_CONF ARGS (stderr to $E2E_DIR/zonewarden.log)
#   zwq ARGS...            the same, all output to the log, what moved to the test output
#
#   root "."        NSD     $E2E_ROOT     a.root.      signed once by `zonewarden sign`
#   "lab."          BIND    $E2E_TLD      ns1.lab.     pre-signed by zonewarden; takes RFC 2136
#                                                      DS updates (TSIG zw-update, hmac-sha256)
#                                                      and re-signs them with the same keys
#                   NSD     $E2E_TLD2     ns2.lab.     only with E2E_TLD2=1: a secondary of BIND
#                                                      (NOTIFY + IXFR/AXFR) that e2e_tld2_freeze
#                                                      turns into a stale copy
#   "alpha.lab."    NSD     $E2E_ALPHA1   ns1.alpha.lab.
#                   Knot    $E2E_ALPHA2   ns2.alpha.lab.
#   "beta.lab."     NSD     $E2E_BETA     ns1.beta.lab.
#   Unbound         $E2E_UNBOUND  validating; root hints = the local root only; trust anchor
#                                 = the local root's DS ($E2E_DIR/root.ds)
#   registrar sim   $E2E_SIM:8443 (HTTPS, throwaway CA) for beta.lab., E2E_SIM=ovh|gandi|none
#
# Tenants start unsigned (insecure delegation, no DS). zonewarden writes signed zones to
# zones-out; the publish hook copies them to the servers that load them and reloads those
# (nsd-control over a unix socket, knotc). The notify hook appends to $E2E_NOTIFY_LOG.
# Zone TTLs are 5 s, lab.'s negative TTL 2 s, every DS at lab. has TTL 5 s (rfc2136
# ds-ttl, the simulator wrapper, the CDS scanner), so the policies below are of seconds.
#
# Knobs (environment, before e2e_build / e2e_config):
#   E2E_SIM=ovh|gandi|none   which registrar API simulator serves beta.lab. (default ovh)
#   E2E_TLD2=1               a second server for lab. (for the stale-parent scenario)
#   E2E_ALG=ecdsap256sha256  the algorithm of the policy "algorithm"
#   E2E_NOTIFY_AFTER=10m     notify-after
#   E2E_MAX_SLEEP=2s         daemon.max-sleep

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# harness.sh sources tests/integration/lib.sh and adds reg_tls (a throwaway CA).
# shellcheck source=../registrar/harness.sh
source "$E2E_HERE/../registrar/harness.sh"
# shellcheck source=../integration/hierarchy_parts.sh
source "$E2E_HERE/../integration/hierarchy_parts.sh"

E2E_ZONE_TTL=5
E2E_DS_TTL=5
E2E_TLD_NEG_TTL=2

zwc() {
    printf '\n$ zonewarden %s\n' "$*" >>"$E2E_DIR/zonewarden.log"
    "$ZONEWARDEN" --config "$E2E_CONF" "$@" 2>>"$E2E_DIR/zonewarden.log"
}

# zwq ARGS...: zonewarden for its effect (onboard, tick, rollover): everything it prints goes
# to the log; the test output shows what moved (record transitions, keys, publications,
# registrar and notify events), not the "waiting" chatter of every pass.
zwq() {
    local rc=0
    printf '\n$ zonewarden %s\n' "$*" >>"$E2E_DIR/zonewarden.log"
    "$ZONEWARDEN" --config "$E2E_CONF" "$@" >"$E2E_DIR/zwq.out" 2>&1 || rc=$?
    cat "$E2E_DIR/zwq.out" >>"$E2E_DIR/zonewarden.log"
    grep -v -e 'settled or waiting' -e 'waiting for a live check' "$E2E_DIR/zwq.out" |
        sed "s/^/  [$(date +%T)] /" >&2 || true
    return "$rc"
}

e2e_require() {
    zw_require nsd nsd-control knotd knotc named unbound dig nsupdate tsig-keygen dnssec-dsfromkey \
        python3 openssl curl
    [[ -x ${ZONEWARDEN:-} ]] || zw_fail "ZONEWARDEN must point at the zonewarden binary"
}

# --- zones -----------------------------------------------------------------------------

# The tenants' unsigned zones, as an operator hands them to zonewarden (zones-in).
e2e__tenant_zones() {
    cat >"$E2E_DIR/zones-in/alpha.lab.zone" <<EOF
\$TTL $E2E_ZONE_TTL
alpha.lab. IN SOA ns1.alpha.lab. hostmaster.alpha.lab. 1 60 10 3600 $E2E_ZONE_TTL
alpha.lab. IN NS ns1.alpha.lab.
alpha.lab. IN NS ns2.alpha.lab.
ns1.alpha.lab. IN A $E2E_ALPHA1
ns2.alpha.lab. IN A $E2E_ALPHA2
www.alpha.lab. IN A 192.0.2.80
EOF
    cat >"$E2E_DIR/zones-in/beta.lab.zone" <<EOF
\$TTL $E2E_ZONE_TTL
beta.lab. IN SOA ns1.beta.lab. hostmaster.beta.lab. 1 60 10 3600 $E2E_ZONE_TTL
beta.lab. IN NS ns1.beta.lab.
ns1.beta.lab. IN A $E2E_BETA
www.beta.lab. IN A 192.0.2.81
EOF
    # Until onboarding, the servers serve the unsigned zones (an insecure delegation).
    cp "$E2E_DIR/zones-in/alpha.lab.zone" "$E2E_DIR/nsd-alpha/alpha.lab.zone"
    cp "$E2E_DIR/zones-in/alpha.lab.zone" "$E2E_DIR/knot-alpha/alpha.lab.zone"
    cp "$E2E_DIR/zones-in/beta.lab.zone" "$E2E_DIR/nsd-beta/beta.lab.zone"
}

e2e__tld_zone() {
    local d=$E2E_DIR
    {
        echo "\$TTL $E2E_ZONE_TTL"
        echo "lab. IN SOA ns1.lab. hostmaster.lab. 1 60 10 3600 $E2E_TLD_NEG_TTL"
        echo "lab. IN NS ns1.lab."
        echo "ns1.lab. IN A $E2E_TLD"
        if [[ -n ${E2E_TLD2:-} ]]; then
            echo "lab. IN NS ns2.lab."
            echo "ns2.lab. IN A $E2E_TLD2"
        fi
        echo "alpha.lab. IN NS ns1.alpha.lab."
        echo "alpha.lab. IN NS ns2.alpha.lab."
        echo "ns1.alpha.lab. IN A $E2E_ALPHA1"
        echo "ns2.alpha.lab. IN A $E2E_ALPHA2"
        echo "beta.lab. IN NS ns1.beta.lab."
        echo "ns1.beta.lab. IN A $E2E_BETA"
    } >"$d/lab.zone"
    hier_sign lab. "$d/lab.zone" "$d/bind/lab.db" "$d/keys-lab" 60
    cp "$d"/keys-lab/K* "$d/bind/"
    hier_ds "$d/keys-lab" >"$d/lab.ds"
}

e2e__root_zone() {
    local d=$E2E_DIR
    {
        echo "\$TTL 60"
        echo ". IN SOA a.root. hostmaster.root. 1 1800 900 604800 60"
        echo ". IN NS a.root."
        echo "a.root. IN A $E2E_ROOT"
        echo "lab. IN NS ns1.lab."
        echo "ns1.lab. IN A $E2E_TLD"
        if [[ -n ${E2E_TLD2:-} ]]; then
            echo "lab. IN NS ns2.lab."
            echo "ns2.lab. IN A $E2E_TLD2"
        fi
        cat "$d/lab.ds"
    } >"$d/root.zone"
    hier_sign . "$d/root.zone" "$d/nsd-root/root.signed" "$d/keys-root" 60
    hier_ds "$d/keys-root" >"$d/root.ds"
}

# --- server configurations ---------------------------------------------------------------

# The zone clause lines that make the lab. server on $E2E_TLD2 a secondary of BIND.
e2e__tld2_secondary() {
    printf '    request-xfr: %s NOKEY\n    allow-notify: %s NOKEY\n' "$E2E_TLD" "$E2E_TLD"
    printf '    outgoing-interface: %s\n    provide-xfr: 127.0.0.0/8 NOKEY\n' "$E2E_TLD2"
}

e2e__bind_conf() {
    local d=$E2E_DIR notify="notify no;" xfr="allow-transfer { none; };"
    if [[ -n ${E2E_TLD2:-} ]]; then
        notify="notify explicit; also-notify { $E2E_TLD2; };"
        xfr="allow-transfer { $E2E_TLD2; };"
    fi
    cat >"$d/bind/named.conf" <<EOF
include "$d/tsig.key";
$(zw_bind_options "$d/bind" "$E2E_TLD" "minimal-responses no;" "$notify" "$xfr" "notify-source $E2E_TLD;" \
    "transfer-source $E2E_TLD;")
zone "lab." {
    type primary;
    file "$d/bind/lab.db";
    key-directory "$d/bind";
    // DS updates by RFC 2136 with TSIG (RFC 8945), from zonewarden's rfc2136 registrar, the
    // registrar simulators and the CDS scanner. BIND re-signs each changed RRset (and the
    // NSEC chain) with the keys in key-directory, which signed the zone in the first place.
    update-policy { grant zw-update zonesub DS; };
};
EOF
}

# The publish hook: zonewarden runs it after writing zones-out/<zone>.zone.
e2e__hooks() {
    local d=$E2E_DIR
    cat >"$d/hooks/publish.sh" <<EOF
#!/bin/sh
# publish hook: publish.sh ZONE FILE (ZONE without the trailing dot). Copies the signed
# zone to every server that loads it (atomically: copy, then rename) and reloads it.
set -eu
zone=\$1 file=\$2
put() { cp "\$file" "\$1.tmp" && mv -f "\$1.tmp" "\$1"; }
echo "\$(date +%s.%N) \$zone \$file" >>"$d/hooks/publish.log"
case \$zone in
    alpha.lab)
        put "$d/nsd-alpha/alpha.lab.zone"
        nsd-control -c "$d/nsd-alpha/nsd.conf" reload alpha.lab. >/dev/null
        put "$d/knot-alpha/alpha.lab.zone"
        knotc -t 10 -s "$d/knot-alpha/knot.sock" zone-reload alpha.lab. >/dev/null ;;
    beta.lab)
        put "$d/nsd-beta/beta.lab.zone"
        nsd-control -c "$d/nsd-beta/nsd.conf" reload beta.lab. >/dev/null ;;
    *) echo "publish hook: unknown zone \$zone" >&2; exit 1 ;;
esac
EOF
    cat >"$d/hooks/notify.sh" <<EOF
#!/bin/sh
# notify hook: one line per notification (time, zone, event, message), then the body.
{
    echo "\$(date +%s) zone=\$ZW_ZONE event=\$ZW_EVENT message=\$ZW_MESSAGE"
    sed 's/^/    /'
} >>"$d/hooks/notify.log"
EOF
    chmod 755 "$d/hooks/publish.sh" "$d/hooks/notify.sh"
    E2E_NOTIFY_LOG=$d/hooks/notify.log
    : >"$E2E_NOTIFY_LOG"
}

# --- the registrar simulator -----------------------------------------------------------

e2e__sim_prepare() {
    E2E_SIM=${E2E_SIM:-ovh}
    [[ $E2E_SIM == none ]] && return 0
    zw_addr && E2E_SIM_ADDR=$ZW_LAST_ADDR
    reg_tls "$E2E_SIM_ADDR"
    E2E_CA=$REG_CA
    case $E2E_SIM in
        ovh)
            printf '{"application_key":"ak-e2e","application_secret":"%s","consumer_key":"%s"}\n' \
                "$(openssl rand -hex 16)" "$(openssl rand -hex 16)" >"$E2E_DIR/ovh.json"
            chmod 600 "$E2E_DIR/ovh.json" ;;
        gandi)
            printf 'gandi-pat-%s\n' "$(openssl rand -hex 16)" >"$E2E_DIR/gandi.token"
            chmod 600 "$E2E_DIR/gandi.token" ;;
        *) zw_fail "E2E_SIM must be ovh, gandi or none" ;;
    esac
}

e2e__sim_start() {
    [[ $E2E_SIM == none ]] && return 0
    local args=(--kind "$E2E_SIM" --ds-ttl "$E2E_DS_TTL" --addr "$E2E_SIM_ADDR" --port 8443
        --cert "$REG_CERT" --key "$REG_CERT_KEY" --domain beta.lab --parent "$E2E_TLD"
        --tsig-file "$E2E_DIR/tsig.key") n
    if [[ $E2E_SIM == ovh ]]; then
        args+=(--credentials-file "$E2E_DIR/ovh.json")
    else
        args+=(--token-file "$E2E_DIR/gandi.token" --appear-after 1.0 --delete-after 1.0)
    fi
    zw_start sim python3 "$E2E_HERE/registrar_sim.py" "${args[@]}"
    # reg_sim / reg_sim_field (harness.sh) talk to it through these.
    REG_URL=https://$E2E_SIM_ADDR:8443
    REG_CA=$E2E_CA
    for ((n = 0; n < 50; n++)); do
        # shellcheck disable=SC2154 # set by zw_start
        kill -0 "$ZW_PID_sim" 2>/dev/null || zw_fail "the simulator exited; see $ZW_TMP/sim.log"
        curl -s --max-time 2 --cacert "$E2E_CA" "$REG_URL/_sim/state" >/dev/null && return 0
        sleep 0.1
    done
    zw_fail "the registrar simulator did not come up"
}

# --- the zonewarden configuration --------------------------------------------------------

# One policy per rollover method, all of seconds. Lifetimes are unlimited: only explicit
# `rollover` commands (and the algorithm change) roll keys.
e2e__policy() { # NAME KSK-METHOD ZSK-METHOD ALGORITHM
    cat <<EOF
  $1:
    algorithm: $4
    dnskey-ttl: ${E2E_DNSKEY_TTL}s
    max-zone-ttl: ${E2E_ZONE_TTL}s
    propagation-delay: ${E2E_DPRP}s
    sign-delay: 0s
    publish-safety: ${E2E_PUBLISH_SAFETY}s
    retire-safety: ${E2E_RETIRE_SAFETY}s
    ksk: { lifetime: unlimited, method: $2 }
    zsk: { lifetime: unlimited, method: $3 }
    signatures: { validity: 1h, refresh: 30m, jitter: 1m, inception-offset: 1m }
    parent: { propagation-delay: ${E2E_DPRP_PARENT}s, ds-ttl: ${E2E_DS_TTL}s }
EOF
}

E2E_DNSKEY_TTL=3
E2E_DPRP=1
E2E_DPRP_PARENT=1
E2E_PUBLISH_SAFETY=1
E2E_RETIRE_SAFETY=1

e2e_config() {
    local d=$E2E_DIR sim=""
    case ${E2E_SIM:-ovh} in
        ovh) sim="  lab-ovh: { type: ovh, url: \"https://$E2E_SIM_ADDR:8443/1.0\", credentials-file: ovh.json, ca-file: \"$E2E_CA\", connect-timeout: 3s, timeout: 10s, poll-interval: 1s, settle-window: 30s }" ;;
        gandi) sim="  lab-gandi: { type: gandi, url: \"https://$E2E_SIM_ADDR:8443/v5\", token-file: gandi.token, ca-file: \"$E2E_CA\", connect-timeout: 3s, timeout: 10s, poll-interval: 1s, settle-window: 30s }" ;;
    esac
    cat >"$E2E_CONF" <<EOF
# zonewarden configuration for the end-to-end loopback hierarchy (tests/e2e/lib.sh).
state: zw/state.db
key-dir: zw/keys
zones-in: zones-in
zones-out: zw/signed
publish: "$d/hooks/publish.sh {zone} {file}"
notify: "$d/hooks/notify.sh"
notify-after: ${E2E_NOTIFY_AFTER:-10m}
threads: 1
serial: unixtime
denial: nsec
dns:
  resolver: $E2E_UNBOUND
  trust-anchor: root.ds
  timeout: 1s
  attempts: 2
daemon:
  max-sleep: ${E2E_MAX_SLEEP:-2s}
policies:
$(e2e__policy double-ds double-ds pre-publication ecdsap256sha256)
$(e2e__policy double-ksk double-ksk pre-publication ecdsap256sha256)
$(e2e__policy double-rrset double-rrset pre-publication ecdsap256sha256)
$(e2e__policy double-signature double-ds double-signature ecdsap256sha256)
$(e2e__policy algorithm double-ds pre-publication "${E2E_ALG:-ecdsap256sha256}")
registrars:
  lab-update: { type: rfc2136, server: $E2E_TLD, tsig-key-file: tsig.key, ds-ttl: $E2E_DS_TTL, timeout: 3s }
  lab-cds: { type: cds, ttl: $E2E_DNSKEY_TTL }
$sim
defaults:
  policy: double-ds
  registrar: lab-update
EOF
}

# --- build and start -------------------------------------------------------------------

e2e_build() {
    e2e_require
    E2E_DIR=$ZW_TMP
    E2E_CONF=$E2E_DIR/zonewarden.yaml
    local d=$E2E_DIR
    zw_addr && E2E_ROOT=$ZW_LAST_ADDR
    zw_addr && E2E_TLD=$ZW_LAST_ADDR
    if [[ ${E2E_TLD2:-} == 1 ]]; then zw_addr && E2E_TLD2=$ZW_LAST_ADDR; else E2E_TLD2=""; fi
    zw_addr && E2E_ALPHA1=$ZW_LAST_ADDR
    zw_addr && E2E_ALPHA2=$ZW_LAST_ADDR
    zw_addr && E2E_BETA=$ZW_LAST_ADDR
    zw_addr && E2E_UNBOUND=$ZW_LAST_ADDR
    E2E_PARENTS=("$E2E_TLD")
    [[ -n $E2E_TLD2 ]] && E2E_PARENTS+=("$E2E_TLD2")
    mkdir -p "$d"/{nsd-root,nsd-alpha,nsd-beta,nsd-tld2,knot-alpha,bind,unbound,zones-in,hooks,zw}
    mkdir -m 700 "$d"/{keys-root,keys-lab}

    tsig-keygen -a hmac-sha256 zw-update >"$d/tsig.key" || zw_fail "tsig-keygen"
    chmod 600 "$d/tsig.key"
    hier_keys lab. "$d/keys-lab"
    hier_keys . "$d/keys-root"
    e2e__tld_zone
    e2e__root_zone
    e2e__tenant_zones

    hier_nsd_conf "$d/nsd-root" "$E2E_ROOT" . "$d/nsd-root/root.signed"
    hier_nsd_conf "$d/nsd-alpha" "$E2E_ALPHA1" alpha.lab. "$d/nsd-alpha/alpha.lab.zone"
    hier_nsd_conf "$d/nsd-beta" "$E2E_BETA" beta.lab. "$d/nsd-beta/beta.lab.zone"
    if [[ -n $E2E_TLD2 ]]; then
        hier_nsd_conf "$d/nsd-tld2" "$E2E_TLD2" lab. "$d/nsd-tld2/lab.zone" \
            "$(e2e__tld2_secondary)"
    fi
    hier_knot_conf "$d/knot-alpha" alpha.lab. "$d/knot-alpha/alpha.lab.zone" "$E2E_ALPHA2@53"
    e2e__bind_conf
    hier_resolver_conf "$d/unbound" "$E2E_UNBOUND" "$E2E_ROOT" "$d/root.ds"
    e2e__hooks
    e2e__sim_prepare
    e2e_config
}

e2e_start() {
    zw_start nsd_root nsd -d -c "$E2E_DIR/nsd-root/nsd.conf"
    zw_start bind named -g -c "$E2E_DIR/bind/named.conf"
    zw_start nsd_alpha nsd -d -c "$E2E_DIR/nsd-alpha/nsd.conf"
    zw_start knot knotd -c "$E2E_DIR/knot-alpha/knot.conf"
    zw_start nsd_beta nsd -d -c "$E2E_DIR/nsd-beta/nsd.conf"
    zw_start unbound unbound -d -c "$E2E_DIR/unbound/unbound.conf"
    zw_wait_dns nsd_root "$E2E_ROOT" . SOA
    zw_wait_dns bind "$E2E_TLD" lab. SOA
    zw_wait_dns nsd_alpha "$E2E_ALPHA1" alpha.lab. SOA
    zw_wait_dns knot "$E2E_ALPHA2" alpha.lab. SOA
    zw_wait_dns nsd_beta "$E2E_BETA" beta.lab. SOA
    zw_wait_dns unbound "$E2E_UNBOUND" . SOA
    if [[ -n $E2E_TLD2 ]]; then
        zw_start nsd_tld2 nsd -d -c "$E2E_DIR/nsd-tld2/nsd.conf"
        e2e_tld2_wait_serial "$(e2e_serial "$E2E_TLD" lab.)"
    fi
    e2e__sim_start
    # The chain is whole: lab. validates, and both tenants are insecure delegations.
    dig +time=2 +tries=2 @"$E2E_UNBOUND" lab. SOA | grep -q 'flags:.* ad' ||
        zw_fail "unbound does not validate lab. through the local root"
    local z
    for z in alpha.lab. beta.lab.; do
        dig +time=2 +tries=2 @"$E2E_UNBOUND" "www.$z" A | grep -q 'status: NOERROR' ||
            zw_fail "unbound cannot resolve www.$z"
    done
    zw_log "hierarchy up: root $E2E_ROOT, lab. $E2E_TLD${E2E_TLD2:+ + $E2E_TLD2}, alpha $E2E_ALPHA1 + $E2E_ALPHA2, beta $E2E_BETA, unbound $E2E_UNBOUND${E2E_SIM_ADDR:+, $E2E_SIM sim $E2E_SIM_ADDR}"
}

# --- small queries ---------------------------------------------------------------------

e2e_serial() { # ADDR ZONE
    dig +time=1 +tries=2 +norecurse +short @"$1" "$2" SOA | awk '{ print $3; exit }'
}

e2e_tld2_wait_serial() { # SERIAL: until the secondary serves at least it (bounded)
    local want=$1 n got
    for ((n = 0; n < 100; n++)); do
        got=$(e2e_serial "$E2E_TLD2" lab.)
        [[ -n $got && $got -ge $want ]] && return 0
        sleep 0.1
    done
    zw_fail "the lab. secondary on $E2E_TLD2 serves serial '${got:-none}', not $want"
}

# Stale parent server: snapshot what the secondary serves now, and serve that snapshot
# as a primary that takes no more transfers (the same address, the same data).
e2e_tld2_freeze() {
    local d=$E2E_DIR/nsd-tld2
    # An AXFR ends with the SOA again: drop that last record.
    dig +time=2 +tries=2 @"$E2E_TLD2" lab. AXFR | grep -v '^;' | awk 'NF' | sed '$d' >"$d/frozen.zone"
    grep -q 'IN[[:space:]]*SOA' "$d/frozen.zone" || zw_fail "could not transfer lab. from the secondary"
    zw_stop nsd_tld2
    hier_nsd_conf "$d" "$E2E_TLD2" lab. "$d/frozen.zone"
    zw_start nsd_tld2 nsd -d -c "$d/nsd.conf"
    zw_wait_dns nsd_tld2 "$E2E_TLD2" lab. SOA
    [[ -n $(e2e_serial "$E2E_TLD2" lab.) ]] || zw_fail "the frozen lab. server does not serve lab."
    zw_log "lab. on $E2E_TLD2 frozen at serial $(e2e_serial "$E2E_TLD2" lab.)"
}

# Back to a secondary: it transfers the current zone from BIND at start.
e2e_tld2_thaw() {
    local d=$E2E_DIR/nsd-tld2
    zw_stop nsd_tld2
    hier_nsd_conf "$d" "$E2E_TLD2" lab. "$d/lab.zone" \
        "$(e2e__tld2_secondary)"
    zw_start nsd_tld2 nsd -d -c "$d/nsd.conf"
    e2e_tld2_wait_serial "$(e2e_serial "$E2E_TLD" lab.)"
    zw_log "lab. on $E2E_TLD2 follows BIND again"
}

# Child server addresses of a tenant zone.
e2e_children() { # ZONE
    case $1 in
        alpha.lab.) echo "$E2E_ALPHA1 $E2E_ALPHA2" ;;
        beta.lab.) echo "$E2E_BETA" ;;
        *) zw_fail "unknown zone $1" ;;
    esac
}
