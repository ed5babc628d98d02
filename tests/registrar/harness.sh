# shellcheck shell=bash
# Shared set-up for the registrar integration tests; source it after parsing --driver.
# Builds on tests/integration/lib.sh (addresses, temp dir, PID-tracked servers, traps).
#
#   reg_parent_start   a BIND primary for "test." on its own 127.x address ($REG_NS), with
#                      child.test. delegated and DS updates allowed for the TSIG key in
#                      $REG_TSIG (the key registrar adapters and simulators use)
#   reg_key NAME       a KSK for child.test. in $ZW_TMP/keys; its .key path in $REG_KEY_<NAME>
#   reg_ds FILE...     the DS (SHA-256) lines dnssec-dsfromkey makes for .key files, sorted
#   reg_served_ds      the DS RRset the parent serves for child.test., sorted "tag alg type HEX"
#   reg_drive ARGS     run the driver; output in $REG_OUT, exit code in $REG_RC (never fails)
#   reg_expect RC ARGS reg_drive and fail unless it exits RC

REG_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../integration/lib.sh
source "$REG_HERE/../integration/lib.sh"

REG_ZONE=child.test.

reg_parent_start() {
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
options {
    directory "$ZW_TMP/bind";
    pid-file none;
    listen-on port 53 { $REG_NS; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    allow-transfer { none; };
};
controls { };
$(cat "$REG_TSIG")
zone "test." {
    type primary;
    file "$ZW_TMP/bind/test.zone";
    update-policy { grant zw-registrar zonesub DS; };
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
