#!/usr/bin/env bash
# The end-to-end harness itself, without the operator commands: the hierarchy comes up and
# validates; a tenant signed by hand (`zonewarden keygen` + `sign`, the publish hook)
# becomes secure when its DS goes to lab. through each parent path the scenarios use —
# RFC 2136 (nsupdate), the registrar simulator (its API), the CDS scanner — and the poller
# sees AD answers and no failure; a broken DS makes the poller count SERVFAIL (so a
# poller that counts nothing is caught); the lab. secondary follows BIND and stays stale
# once frozen.
#   hierarchy_test.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init e2e-hierarchy
E2E_TLD2=1 E2E_SIM=ovh
e2e_build
e2e_start

# Sign a tenant by hand and publish it through the same hook zonewarden will use.
hand_sign() { # ZONE CDS-ARGS...
    local zone=$1 keys=$E2E_DIR/hand-keys/$1
    shift
    mkdir -p "$E2E_DIR/hand-keys"
    [[ -d $keys ]] || hier_keys "$zone" "$keys"
    "$ZONEWARDEN" sign --zone-file "$E2E_DIR/zones-in/${zone}zone" --origin "$zone" --key-dir "$keys" \
        --out "$E2E_DIR/hand-${zone}zone" --threads 1 --dnskey-ttl 3s --serial unixtime "$@" \
        >>"$E2E_DIR/sign.log" 2>&1 || zw_fail "sign $zone"
    "$E2E_DIR/hooks/publish.sh" "${zone%.}" "$E2E_DIR/hand-${zone}zone" || zw_fail "publish hook $zone"
}
ksk_file() { # ZONE: the .key file of its hand-made KSK
    local f
    for f in "$E2E_DIR/hand-keys/$1"/K*.key; do
        [[ $(zw_keyfile_flags "$f") == 257 ]] && echo "$f"
    done
    return 0
}
ksk_tag() { basename "$(ksk_file "$1")" .key | sed 's/.*+0*//'; }
wait_ad() { # QNAME: until unbound answers it with AD (bounded)
    local n
    for ((n = 0; n < 40; n++)); do
        dig +time=2 +tries=1 @"$E2E_UNBOUND" "$1" A | grep -q 'flags:.* ad' && return 0
        sleep 0.5
    done
    zw_fail "no AD for $1 after 20 s"
}

python3 "$here/poller.py" --resolver "$E2E_UNBOUND" --zone alpha.lab. --zone beta.lab. \
    --parent "$E2E_TLD" --parent "$E2E_TLD2" --grace 8 --max-seconds 120 \
    --out "$E2E_DIR/poller.json" 2>"$E2E_DIR/poller.log" &
poller=$!
ZW_PIDS+=("$poller") ZW_PID_NAMES+=(poller)

zw_log "alpha: signed by hand, DS to lab. by RFC 2136"
hand_sign alpha.lab.
sleep 2
ds=$(dnssec-dsfromkey -2 "$(ksk_file alpha.lab.)" | awk '{ $1 = $2 = $3 = ""; print }')
nsupdate -k "$E2E_DIR/tsig.key" <<EOF || zw_fail "nsupdate"
server $E2E_TLD
zone lab.
update add alpha.lab. $E2E_DS_TTL IN DS $ds
send
EOF
wait_ad www.alpha.lab.
e2e_tld2_wait_serial "$(e2e_serial "$E2E_TLD" lab.)"

zw_log "beta: signed by hand with CDS, DS by the CDS scanner (bootstrap after 3 scans)"
hier_keys beta.lab. "$E2E_DIR/hand-keys/beta.lab."
hand_sign beta.lab. --cds "$(ksk_tag beta.lab.)"
zw_start scanner python3 "$here/cds_scanner.py" --zone beta.lab. --child "$E2E_BETA" \
    --resolver "$E2E_UNBOUND" --parent-server "$E2E_TLD" --parent-zone lab. \
    --tsig-file "$E2E_DIR/tsig.key" --ds-ttl "$E2E_DS_TTL" --max-seconds 60 \
    --journal "$E2E_DIR/cds-journal.jsonl"
wait_ad www.beta.lab.
[[ $(wc -l <"$E2E_DIR/cds-journal.jsonl") == 1 ]] || zw_fail "the scanner applied $(wc -l <"$E2E_DIR/cds-journal.jsonl") sets"
zw_stop scanner

zw_log "beta: the OVH simulator replaces the DS set through its API (signed request)"
python3 - "$E2E_DIR" "$E2E_SIM_ADDR" "$E2E_CA" "$(ksk_file beta.lab.)" <<'PY' || zw_fail "OVH API call"
import hashlib, json, ssl, sys, time, urllib.request
d, addr, ca, keyfile = sys.argv[1:]
creds = json.load(open(d + "/ovh.json"))
fields = [l.split() for l in open(keyfile) if not l.startswith(";") and "DNSKEY" in l][0]
i = fields.index("DNSKEY")
flags, alg, pub = int(fields[i + 1]), int(fields[i + 3]), "".join(fields[i + 4:])
tag = int(keyfile.rsplit("+", 1)[1].split(".")[0])
ctx = ssl.create_default_context(cafile=ca)
url = "https://%s:8443/1.0/domain/beta.lab/dsRecord" % addr
body = json.dumps({"keys": [{"algorithm": alg, "flags": flags, "publicKey": pub, "tag": tag}]})
ts = str(int(time.time()))
sig = "$1$" + hashlib.sha1("+".join([creds["application_secret"], creds["consumer_key"], "POST", url, body, ts]).encode()).hexdigest()
req = urllib.request.Request(url, data=body.encode(), method="POST", headers={
    "Content-Type": "application/json", "X-Ovh-Application": creds["application_key"],
    "X-Ovh-Consumer": creds["consumer_key"], "X-Ovh-Timestamp": ts, "X-Ovh-Signature": sig})
print(urllib.request.urlopen(req, context=ctx).read().decode())
PY
for ((n = 0; n < 30; n++)); do
    [[ $(reg_sim_field 's["tasks"][-1]["status"]') == "done" ]] && break
    sleep 0.2
done
[[ $(reg_sim_field 'len(s["records"])') == 1 ]] || zw_fail "the simulator holds no record"
dig +short +norecurse @"$E2E_TLD" beta.lab. DS | grep -q . || zw_fail "the simulator's DS is not at lab."
dig +norecurse @"$E2E_TLD" beta.lab. DS | grep -q "^beta.lab.[[:space:]]*${E2E_DS_TTL}[[:space:]]" ||
    zw_fail "the simulator's DS TTL is not $E2E_DS_TTL"
wait_ad www.beta.lab.

zw_log "check.py sees what the servers serve"
python3 "$here/check.py" served --zone alpha.lab. --child "$E2E_ALPHA1" "$E2E_ALPHA2" --parent "$E2E_TLD" "$E2E_TLD2" \
    >"$E2E_DIR/served.json"
python3 - "$E2E_DIR/served.json" "$(ksk_tag alpha.lab.)" <<'PY' || zw_fail "served: $(cat "$E2E_DIR/served.json")"
import json, sys
s = json.load(open(sys.argv[1])); ksk = int(sys.argv[2])
assert len(s["dnskey"]) == 2 and all(len(t) == 2 and ksk in t for t in s["dnskey"].values()), s
assert list(s["ds"].values()) == [[ksk], [ksk]], s
PY

zw_log "a stale lab. secondary keeps its data"
e2e_tld2_freeze
frozen=$(e2e_serial "$E2E_TLD2" lab.)
nsupdate -k "$E2E_DIR/tsig.key" <<EOF || zw_fail "nsupdate"
server $E2E_TLD
zone lab.
update add alpha.lab. $E2E_DS_TTL IN DS 4711 13 2 $(printf '%064d' 0 | tr 0 a)
send
EOF
sleep 1
[[ $(e2e_serial "$E2E_TLD2" lab.) == "$frozen" ]] || zw_fail "the frozen secondary moved on"
[[ $(e2e_serial "$E2E_TLD" lab.) -gt $frozen ]] || zw_fail "BIND did not take the update"
e2e_tld2_thaw

zw_log "the poller: AD answers, no failure so far; then a broken DS must count as SERVFAIL"
sleep 10  # let the grace period pass with the DS at both parent servers
kill -TERM "$poller"
wait "$poller" || true
python3 - "$E2E_DIR/poller.json" <<'PY' || zw_fail "poller: $(cat "$E2E_DIR/poller.json")"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["failures"] == 0, p
for z in ("alpha.lab.", "beta.lab."):
    assert p["zones"][z]["ad"] > 0 and p["zones"][z]["secure_rounds"] > 0, (z, p["zones"][z])
PY
python3 "$here/poller.py" --resolver "$E2E_UNBOUND" --zone alpha.lab. --parent "$E2E_TLD" --grace 0 \
    --max-rounds 40 --out "$E2E_DIR/poller-broken.json" 2>"$E2E_DIR/poller-broken.log" &
poller=$!
ZW_PIDS+=("$poller") ZW_PID_NAMES+=(poller)
# Replace the DS by one that matches no key: after the DS TTL every answer is bogus.
nsupdate -k "$E2E_DIR/tsig.key" <<EOF || zw_fail "nsupdate"
server $E2E_TLD
zone lab.
update delete alpha.lab. DS
update add alpha.lab. $E2E_DS_TTL IN DS 4711 13 2 $(printf '%064d' 0 | tr 0 b)
send
EOF
wait "$poller" || true
python3 - "$E2E_DIR/poller-broken.json" <<'PY' || zw_fail "the poller missed a broken chain: $(cat "$E2E_DIR/poller-broken.json")"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["rounds"] == 40 and p["zones"]["alpha.lab."]["servfail"] > 0, p
PY
zw_log "PASS"
