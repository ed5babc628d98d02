# shellcheck shell=bash
# Shared set-up for the registrar integration tests; source it after parsing --driver.
# Builds on tests/integration/lib.sh (addresses, temp dir, PID-tracked servers, traps).
#
#   reg_parent_start [UPDATE [OPTION...]]
#                      a BIND primary for "test." on its own 127.x address ($REG_NS), with
#                      child.test. delegated and DS updates allowed for the TSIG key in
#                      $REG_TSIG (the key registrar adapters and simulators use); or the
#                      zone's UPDATE statement instead, the keys of the files in the array
#                      REG_PARENT_KEYS as well, each OPTION in the options block
#   reg_key NAME       a KSK for child.test. in $ZW_TMP/keys; its .key path in $REG_KEY_<NAME>
#   reg_ds FILE...     the DS (SHA-256) lines dnssec-dsfromkey makes for .key files, sorted
#   reg_served_ds      the DS RRset the parent serves for child.test., sorted "tag alg type HEX"
#   reg_drive ARGS     run the driver; output in $REG_OUT, exit code in $REG_RC (never fails)
#   reg_expect RC ARGS reg_drive and fail unless it exits RC

REG_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../integration/lib.sh
source "$REG_HERE/../integration/lib.sh"

REG_ZONE=child.test.
REG_PARENT_KEYS=()

reg_parent_start() {
    local update=${1:-"update-policy { grant zw-registrar zonesub DS; };"}
    (($# == 0)) || shift
    zw_require named tsig-keygen dnssec-keygen dnssec-dsfromkey dig nsupdate openssl python3
    zw_addr
    REG_NS=$ZW_LAST_ADDR
    mkdir -p "$ZW_TMP/bind"
    REG_TSIG=$ZW_TMP/tsig.key
    tsig-keygen -a hmac-sha256 zw-registrar >"$REG_TSIG"
    chmod 600 "$REG_TSIG"
    cat >"$ZW_TMP/bind/test.zone" <<ZONE
\$TTL 60
test. IN SOA ns.test. hostmaster.test. 1 60 60 600 60
test. IN NS ns.test.
ns.test. IN A $REG_NS
child.test. IN NS ns.child.test.
ns.child.test. IN A 127.0.0.1
ZONE
    cat >"$ZW_TMP/bind/named.conf" <<CONF
$(zw_bind_options "$ZW_TMP/bind" "$REG_NS" "notify no;" "allow-transfer { none; };" "$@")
$(cat "$REG_TSIG" "${REG_PARENT_KEYS[@]}")
zone "test." {
    type primary;
    file "$ZW_TMP/bind/test.zone";
    $update
};
CONF
    zw_start named named -g -c "$ZW_TMP/bind/named.conf"
    zw_wait_dns named "$REG_NS" test. SOA
}

reg_key() {
    local name=$1 base
    mkdir -p "$ZW_TMP/keys"
    base=$(dnssec-keygen -q -K "$ZW_TMP/keys" -a ECDSAP256SHA256 -f KSK "$REG_ZONE")
    printf -v "REG_KEY_${name}" '%s' "$ZW_TMP/keys/$base.key"
}

reg_ds() {
    local f
    for f in "$@"; do dnssec-dsfromkey -2 "$f"; done |
        awk '{ d = ""; for (i = 7; i <= NF; i++) d = d $i; print $4, $5, $6, toupper(d) }' | sort
}

reg_served_ds() {
    dig +time=2 +tries=2 +norecurse @"$REG_NS" "$REG_ZONE" DS |
        awk '!/^;/ && $4 == "DS" { d = ""; for (i = 8; i <= NF; i++) d = d $i; print $5, $6, $7, toupper(d) }' | sort
}

reg_drive() {
    REG_OUT=$ZW_TMP/driver.out
    set +e
    "$REG_DRIVER" "$@" >"$REG_OUT" 2>"$ZW_TMP/driver.err"
    REG_RC=$?
    set -e
    cat "$ZW_TMP/driver.err" >>"$ZW_TMP/driver.log"
    zw_log "driver exit $REG_RC: $(head -n 1 "$REG_OUT")"
}

reg_expect() {
    local want=$1
    shift
    reg_drive "$@"
    [[ $REG_RC == "$want" ]] || zw_fail "driver exited $REG_RC, expected $want: $(cat "$REG_OUT") $(tail -n 5 "$ZW_TMP/driver.err")"
}

reg_parse_args() {
    REG_DRIVER=""
    while [[ $# -gt 0 ]]; do
        case $1 in
            --driver) REG_DRIVER=$2; shift 2 ;;
            *) zw_fail "unknown argument $1" ;;
        esac
    done
    [[ -x $REG_DRIVER ]] || zw_fail "--driver PATH is required"
}

# reg_tls ADDR: a throwaway CA ($REG_CA) and a server certificate for IP ADDR signed by it
# ($REG_CERT, $REG_CERT_KEY), all made here with openssl.
reg_tls() {
    local addr=$1 d=$ZW_TMP/tls
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=zonewarden test CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$addr" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$addr" >"$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 2 -extfile "$d/ext.cnf" -out "$d/server.pem" 2>/dev/null
    REG_CA=$d/ca.pem
    REG_CERT=$d/server.pem
    REG_CERT_KEY=$d/server.key
}

# reg_sim_start NAME SCRIPT ARGS...: start a simulator on $REG_SIM_ADDR:8443 and wait for it.
reg_sim_start() {
    local name=$1 script=$2 n pidvar="ZW_PID_$1"
    shift 2
    zw_start "$name" python3 "$REG_HERE/$script" --addr "$REG_SIM_ADDR" --port 8443 \
        --cert "$REG_CERT" --key "$REG_CERT_KEY" --parent "$REG_NS" --tsig-file "$REG_TSIG" "$@"
    REG_URL=https://$REG_SIM_ADDR:8443
    for ((n = 0; n < 50; n++)); do
        kill -0 "${!pidvar}" 2>/dev/null || zw_fail "$name exited; see $ZW_TMP/$name.log"
        curl -s --max-time 2 --cacert "$REG_CA" "$REG_URL/_sim/state" >/dev/null && return 0
        sleep 0.1
    done
    zw_fail "$name did not come up"
}

# reg_sim GET|POST PATH [JSON]: talk to the simulator's control endpoints.
reg_sim() {
    curl -sf --max-time 5 --cacert "$REG_CA" -X "$1" ${3:+-H 'Content-Type: application/json' --data "$3"} \
        "$REG_URL$2" || zw_fail "simulator control $1 $2 failed"
}

# reg_sim_field EXPR: a Python expression over the simulator state `s`.
reg_sim_field() {
    reg_sim GET /_sim/state | python3 -c "import json, sys; s = json.load(sys.stdin); print($1)"
}
