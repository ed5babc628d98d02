#!/usr/bin/env bash
# `zonewarden tls tlsa` and `zonewarden dane-check` against the loopback hierarchy
# (hierarchy.sh) with a TLS service on a loopback address of the test: openssl s_server
# for plain TLS, a private Postfix for SMTP STARTTLS. Every verdict is cross-checked with an
# independent DANE client: `openssl s_client -dane_tlsa_*` (and `posttls-finger` for SMTP).
#   dane_check_test.sh --zonewarden BIN CASE
# CASE: tlsa_cli | pass | mismatch | insecure | down | smtp
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
zw_init "dane-$case"
zw_require openssl dig

certs=$ZW_TMP/certs
mkdir -p "$certs"
# A CA and a service certificate it issued, laid out as certbot does (cert.pem, chain.pem,
# fullchain.pem, privkey.pem), and a second certificate with another key (other.pem).
make_certs() {
    (
        cd "$certs"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
            -out chain.pem -days 2 -subj /CN=zw-test-ca
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout privkey.pem \
            -out leaf.csr -subj /CN=mail.alpha.lab
        openssl x509 -req -in leaf.csr -CA chain.pem -CAkey ca.key -CAcreateserial -out cert.pem -days 2
        cat cert.pem chain.pem >fullchain.pem
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key \
            -out other.pem -days 2 -subj /CN=mail.alpha.lab
    ) >"$ZW_TMP/certs.log" 2>&1 || { cat "$ZW_TMP/certs.log" >&2; zw_fail "openssl could not make certificates"; }
}

out=$ZW_TMP/check.out
check() { # expected-exit ARGS...
    local want=$1 rc=0
    shift
    "$ZONEWARDEN" dane-check --resolver "$ZWH_UNBOUND" --trust-anchor "$ZWH_DIR/root.ds" \
        --timeout-ms 500 --attempts 2 --tls-timeout-ms 3000 "$@" >"$out" 2>&1 || rc=$?
    cat "$out" >&2
    [[ $rc == "$want" ]] || zw_fail "dane-check exited $rc, expected $want"
}
expect_line() { grep -q -- "$1" "$out" || zw_fail "dane-check output lacks: $1"; }

# The hierarchy with mail.alpha.lab. on a test address and the TLSA of CERT at OWNER.
build_with_tlsa() { # OWNER CERT
    zw_addr && SVC=$ZW_LAST_ADDR
    "$ZONEWARDEN" tls tlsa --cert "$2" --owner "$1" --ttl 300 >"$ZW_TMP/tlsa.rr" ||
        zw_fail "tls tlsa failed"
    {
        echo "mail.alpha.lab. IN A $SVC"
        echo "alpha.lab. IN MX 10 mail.alpha.lab."
        cat "$ZW_TMP/tlsa.rr"
    } >"$ZW_TMP/extra.zone"
    ZWH_TENANT_EXTRA=$ZW_TMP/extra.zone
    zwh_build && zwh_start
}

wait_port() { # ADDR PORT
    local i
    for ((i = 0; i < 50; i++)); do
        (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
        sleep 0.1
    done
    zw_fail "nothing listens on $1:$2"
}

start_s_server() {
    zw_start tls openssl s_server -quiet -accept "$SVC:443" -cert "$certs/cert.pem" \
        -key "$certs/privkey.pem" -cert_chain "$certs/chain.pem" -naccept 20
    wait_port "$SVC" 443
}

# The TLSA RDATA as the validating resolver serves it ("3 1 1 <hex>"), and whether it set AD.
served_tlsa() { dig +short +time=2 +tries=1 @"$ZWH_UNBOUND" "$1" TLSA | awk '{u=$1; s=$2; m=$3; $1=$2=$3=""; gsub(/ /, ""); print u, s, m, $0; exit}'; }
ad_flag() { dig +time=2 +tries=1 +dnssec @"$ZWH_UNBOUND" "$1" TLSA | grep -q 'flags:.* ad'; }

# openssl s_client with the served TLSA: 0 when it authenticates the chain.
s_client_dane() { # ADDR:PORT RDATA [extra args]
    local target=$1 rdata=$2
    shift 2
    openssl s_client -connect "$target" -servername mail.alpha.lab -dane_tlsa_domain mail.alpha.lab \
        -dane_tlsa_rrdata "$rdata" -verify_return_error -brief "$@" </dev/null >"$ZW_TMP/s_client.out" 2>&1
}

case $case in
    tlsa_cli)
        zw_require named-checkzone ldns-read-zone
        make_certs
        rr=$("$ZONEWARDEN" tls tlsa --cert "$certs/cert.pem" --owner _25._tcp.mail.example.test. --ttl 3600)
        want=$(openssl x509 -in "$certs/cert.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
        [[ $rr == "_25._tcp.mail.example.test. 3600 IN TLSA 3 1 1 $want" ]] || zw_fail "tls tlsa printed: $rr"
        # The record parses as zone data with two independent readers.
        {
            echo "\$TTL 3600"
            echo "example.test. IN SOA ns.example.test. h.example.test. 1 3600 600 86400 300"
            echo "example.test. IN NS ns.example.test."
            echo "ns.example.test. IN A 192.0.2.1"
            echo "$rr"
            "$ZONEWARDEN" tls tlsa --cert "$certs/cert.pem" --chain "$certs/chain.pem" --usage 2 --owner _443._tcp.www.example.test.
            "$ZONEWARDEN" tls tlsa --cert "$certs/fullchain.pem" --selector 0 --matching 2 --owner _443._tcp.www.example.test.
        } >"$ZW_TMP/example.test.zone"
        named-checkzone example.test. "$ZW_TMP/example.test.zone" >&2 || zw_fail "named-checkzone refused the TLSA records"
        ldns-read-zone "$ZW_TMP/example.test.zone" | grep -c 'TLSA' | grep -qx 3 || zw_fail "ldns-read-zone did not read 3 TLSA records"
        ta=$(openssl x509 -in "$certs/chain.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
        grep -q "TLSA 2 1 1 $ta" "$ZW_TMP/example.test.zone" || zw_fail "usage 2 did not hash the issuer's key"
        # Refusals: exit 2, a reason, the file named.
        rc=0; "$ZONEWARDEN" tls tlsa --cert "$certs/cert.pem" --matching 0 2>"$ZW_TMP/err" || rc=$?
        [[ $rc == 2 ]] && grep -q "RFC 7671" "$ZW_TMP/err" || zw_fail "matching type 0 not refused (rc $rc)"
        rc=0; "$ZONEWARDEN" tls tlsa --cert "$certs/cert.pem" --usage 1 2>"$ZW_TMP/err" || rc=$?
        [[ $rc == 2 ]] && grep -q "RFC 7672" "$ZW_TMP/err" || zw_fail "usage 1 not refused (rc $rc)"
        rc=0; "$ZONEWARDEN" tls tlsa --cert "$certs/cert.pem" --usage 2 2>"$ZW_TMP/err" || rc=$?
        [[ $rc == 2 ]] && grep -q "cert.pem.*chain" "$ZW_TMP/err" || zw_fail "usage 2 without --chain not refused (rc $rc)"
        : >"$ZW_TMP/empty.pem"
        rc=0; "$ZONEWARDEN" tls tlsa --cert "$ZW_TMP/empty.pem" 2>"$ZW_TMP/err" || rc=$?
        [[ $rc == 2 ]] && grep -q "empty.pem" "$ZW_TMP/err" || zw_fail "an empty file not refused (rc $rc)"
        ;;
    pass)
        make_certs
        build_with_tlsa _443._tcp.mail.alpha.lab. "$certs/cert.pem"
        start_s_server
        check 0 mail.alpha.lab.:443
        expect_line "host mail.alpha.lab. port 443: pass"
        expect_line "TLSA _443._tcp.mail.alpha.lab. (alpha.lab. from .*): secure"
        expect_line "usable   3 1 1 .*: matched"
        expect_line "$SVC:443: pass (verified, record 1 at depth 0)"
        expect_line "chain 0: subject CN=mail.alpha.lab  issuer CN=zw-test-ca"
        "$ZONEWARDEN" dane-check --resolver "$ZWH_UNBOUND" --trust-anchor "$ZWH_DIR/root.ds" \
            --json mail.alpha.lab.:443 >"$ZW_TMP/check.json" || zw_fail "dane-check --json did not pass"
        python3 - "$ZW_TMP/check.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["exit"] == 0 and j["verdict"] == "pass", j
assert j["tlsa"]["dnssec"] == "secure" and j["records"][0]["matched"], j
assert j["addresses"][0]["chain"][1]["subject"] == "CN=zw-test-ca", j
PY
        # The independent client agrees, with the record the resolver serves (AD set).
        ad_flag _443._tcp.mail.alpha.lab. || zw_fail "unbound does not validate the TLSA set"
        s_client_dane "$SVC:443" "$(served_tlsa _443._tcp.mail.alpha.lab.)" ||
            { cat "$ZW_TMP/s_client.out" >&2; zw_fail "openssl s_client did not authenticate the service"; }
        grep -q "Verification: OK" "$ZW_TMP/s_client.out" || zw_fail "s_client: no 'Verification: OK'"
        ;;
    mismatch)
        make_certs
        # The TLSA names another key than the one the service presents.
        build_with_tlsa _443._tcp.mail.alpha.lab. "$certs/other.pem"
        start_s_server
        check 1 mail.alpha.lab.:443
        expect_line "host mail.alpha.lab. port 443: fail"
        rd=$("$ZONEWARDEN" tls tlsa --cert "$certs/other.pem")
        expect_line "usable   $rd: not matched"
        expect_line "$SVC:443: fail (not verified: "
        rc=0; s_client_dane "$SVC:443" "$(served_tlsa _443._tcp.mail.alpha.lab.)" || rc=$?
        [[ $rc != 0 ]] || zw_fail "openssl s_client authenticated a mismatching TLSA"
        grep -qi "verify error\|No matching DANE TLSA" "$ZW_TMP/s_client.out" || { cat "$ZW_TMP/s_client.out" >&2; zw_fail "s_client gave no verify error"; }
        ;;
    insecure)
        make_certs
        ZWH_NO_DS=1
        build_with_tlsa _443._tcp.mail.alpha.lab. "$certs/cert.pem"
        start_s_server
        check 1 mail.alpha.lab.:443
        expect_line "host mail.alpha.lab. port 443: not DANE-protected"
        expect_line "TLSA _443._tcp.mail.alpha.lab. .*: insecure, no DS for alpha.lab."
        expect_line "usable   3 1 1 .*: not used: the TLSA set is not secure"
        expect_line "$SVC:443: not DANE-protected"
        grep -q ": pass\|: secure" "$out" && zw_fail "an insecure TLSA set was called valid"
        # The resolver agrees: the answer is not authenticated (no AD), so DANE clients skip it.
        ! ad_flag _443._tcp.mail.alpha.lab. || zw_fail "unbound set AD on a TLSA set without DS above"
        ;;
    down)
        make_certs
        build_with_tlsa _443._tcp.mail.alpha.lab. "$certs/cert.pem"
        # Nothing listens on the service's address.
        check 3 mail.alpha.lab.:443
        expect_line "host mail.alpha.lab. port 443: could not check"
        expect_line "$SVC:443: could not check (no connection: connect: Connection refused"
        expect_line "usable   3 1 1 .*: not tried: no handshake completed"
        rc=0; s_client_dane "$SVC:443" "$(served_tlsa _443._tcp.mail.alpha.lab.)" || rc=$?
        [[ $rc != 0 ]] || zw_fail "openssl s_client connected to nothing"
        # A server that drips its SMTP greeting a byte every 0.2 s: the STARTTLS exchange has
        # one deadline (3 s here), not a timeout per byte.
        zw_start drip python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 443)); s.listen(1)
c, _ = s.accept()
for b in b"220-" + b"x" * 4000:
    c.send(bytes([b])); time.sleep(0.2)' "$SVC"
        sleep 0.3
        start=$SECONDS
        check 1 mail.alpha.lab.:443 --starttls smtp
        ((SECONDS - start <= 6)) || zw_fail "a dripping server kept dane-check $((SECONDS - start)) s"
        expect_line "STARTTLS failed: timed out waiting for the server's SMTP reply"
        ;;
    smtp)
        zw_require posttls-finger unshare
        [[ -x /usr/lib/postfix/sbin/master ]] || zw_skip "no Postfix master"
        make_certs
        build_with_tlsa _25._tcp.mail.alpha.lab. "$certs/cert.pem"
        # A private Postfix: its own configuration, queue and log, smtpd on $SVC:25 only.
        pf=$ZW_TMP/postfix
        mkdir -p "$pf"/{conf,queue,data}
        chmod 755 "$ZW_TMP" "$pf"
        chown postfix "$pf/data"
        cat "$certs/privkey.pem" >"$pf/key.pem" && chmod 600 "$pf/key.pem"
        cat >"$pf/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
myhostname = mail.alpha.lab
inet_interfaces = $SVC
inet_protocols = ipv4
mydestination =
maillog_file_prefixes = $pf
maillog_file = $pf/maillog
smtpd_tls_cert_file = $certs/fullchain.pem
smtpd_tls_key_file = $pf/key.pem
smtpd_tls_security_level = may
EOF
        {
            echo "$SVC:25 inet n - n - - smtpd"
            grep -E '^(pickup|cleanup|qmgr|tlsmgr|rewrite|bounce|defer|trace|verify|flush|proxymap|smtp|showq|error|retry|discard|local|anvil|scache|postlog) ' /etc/postfix/master.cf |
                grep -v '^smtp .*inet'
        } >"$pf/conf/master.cf"
        chmod o+rx "$certs" && chmod o+r "$certs"/*.pem
        # `postfix check` makes the queue's directories; master -d stays in the foreground,
        # so the test stops it by its PID.
        postfix -c "$pf/conf" check >"$ZW_TMP/postfix-check.log" 2>&1 ||
            { cat "$ZW_TMP/postfix-check.log" >&2; zw_fail "postfix check failed"; }
        zw_start postfix /usr/lib/postfix/sbin/master -c "$pf/conf" -d
        wait_port "$SVC" 25
        check 0 --smtp alpha.lab.
        expect_line "domain alpha.lab.: pass"
        expect_line "MX alpha.lab.: secure"
        expect_line "host mail.alpha.lab. port 25 (STARTTLS smtp): pass"
        expect_line "$SVC:25: pass (verified, record 1 at depth 0)"
        check 0 --starttls smtp mail.alpha.lab.:25
        # openssl s_client through STARTTLS, and Postfix's own DANE client with the loopback
        # Unbound as its resolver (a mount namespace of this test, /etc/resolv.conf replaced).
        s_client_dane "$SVC:25" "$(served_tlsa _25._tcp.mail.alpha.lab.)" -starttls smtp ||
            { cat "$ZW_TMP/s_client.out" >&2; zw_fail "openssl s_client -starttls smtp did not authenticate"; }
        printf 'nameserver %s\noptions trust-ad\n' "$ZWH_UNBOUND" >"$ZW_TMP/resolv.conf"
        unshare -m --propagation private sh -c "mount --bind '$ZW_TMP/resolv.conf' /etc/resolv.conf && \
            timeout 30 posttls-finger -c -l dane '[mail.alpha.lab]:25'" >"$ZW_TMP/ptf.out" 2>&1 || true
        cat "$ZW_TMP/ptf.out" >&2
        grep -q "Verified TLS connection established" "$ZW_TMP/ptf.out" ||
            zw_fail "posttls-finger did not verify the service with DANE"
        ;;
    *) zw_fail "unknown case $case" ;;
esac
zw_log "ok"
