#!/usr/bin/env bash
# The operator's other views and the move of a zone signed elsewhere, on the loopback
# hierarchy (lib.sh):
#   - alpha.lab. is signed by hand (keygen + sign) and made secure with a DS by nsupdate,
#     as if another signer ran it; `onboard --adopt-keys` moves it without a rollover:
#     the same DNSKEYs, no new key, no DS change, secure after a few ticks, poller clean;
#   - `check` passes (exit 0) and names a server that went down (exit 3);
#   - `keys`, `status` text and `status --prometheus` show the keys and the metrics.
#   operator_views.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=steps.sh
source "$here/steps.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init e2e-views
e2e_require
e2e_require_operator_commands
E2E_SIM=none
e2e_build
e2e_start

keys=$E2E_DIR/elsewhere-keys
hier_keys alpha.lab. "$keys"
"$ZONEWARDEN" sign --zone-file "$E2E_DIR/zones-in/alpha.lab.zone" --origin alpha.lab. --key-dir "$keys" \
    --out "$E2E_DIR/elsewhere.zone" --threads 1 --dnskey-ttl 3s --serial unixtime >>"$E2E_DIR/sign.log" 2>&1 ||
    zw_fail "signing alpha.lab. by hand"
"$E2E_DIR/hooks/publish.sh" alpha.lab "$E2E_DIR/elsewhere.zone" || zw_fail "publishing the hand-signed zone"
ds=$(hier_ds "$keys" | awk '{ $1 = $2 = $3 = ""; print }')
nsupdate -k "$E2E_DIR/tsig.key" <<UPDATE || zw_fail "nsupdate"
server $E2E_TLD
zone lab.
update add alpha.lab. $E2E_DS_TTL IN DS $ds
send
UPDATE
for ((n = 0; n < 40; n++)); do
    dig +time=2 +tries=1 @"$E2E_UNBOUND" www.alpha.lab. A | grep -q 'flags:.* ad' && break
    sleep 0.5
done
((n < 40)) || zw_fail "the hand-signed alpha.lab. never validated"
before=$(find "$keys" -name "*.key" -printf "%f\n" | sed 's/.*+0*//; s/\.key$//' | sort -n | tr '\n' ' ')
zw_log "alpha.lab. secure elsewhere with keys $before"

e2e_poller_start alpha.lab.
rc=0
zwq onboard alpha.lab. --tenant alpha --policy double-ds --registrar lab-update --adopt-keys "$keys" || rc=$?
[[ $rc == 0 || $rc == 1 ]] || zw_fail "onboard --adopt-keys exited $rc: $(tail -n 5 "$E2E_DIR/zonewarden.log")"
e2e_tick_until 90 "alpha.lab.=$E2E_SECURE"
after=$(e2e_get alpha.lab. '" ".join(str(k["tag"]) for k in sorted(z["keys"], key=lambda k: k["tag"]))')
[[ "$after " == "$before" ]] || zw_fail "adopted keys changed: before $before, after $after"
[[ $(find "$E2E_DIR/zw/keys/alpha.lab" -name "*.key" | wc -l) == 2 ]] || zw_fail "a key was generated while adopting"
[[ $(dig +short +norecurse @"$E2E_TLD" alpha.lab. DS | wc -l) == 1 ]] || zw_fail "the DS set changed while adopting"
zw_log "adopted without a rollover: keys $after"

zwc check alpha.lab. >"$E2E_DIR/check.out" || zw_fail "check exited $? on a healthy zone: $(cat "$E2E_DIR/check.out")"
grep -q '^OK:' "$E2E_DIR/check.out" || zw_fail "check did not say OK: $(cat "$E2E_DIR/check.out")"
zwc keys alpha.lab. >"$E2E_DIR/keys.out" || zw_fail "keys exited $?"
grep -q 'ds *omnipresent' "$E2E_DIR/keys.out" || zw_fail "keys does not show the DS omnipresent: $(cat "$E2E_DIR/keys.out")"
zwc status >"$E2E_DIR/status.out" || zw_fail "status exited $?"
grep -q '^alpha.lab.  secure' "$E2E_DIR/status.out" || zw_fail "status text: $(cat "$E2E_DIR/status.out")"
zwc status --prometheus >"$E2E_DIR/metrics.out" || zw_fail "status --prometheus exited $?"
for metric in zonewarden_signature_expiry_timestamp_seconds zonewarden_blocked_seconds zonewarden_check_failures; do
    grep -q "^$metric{zone=\"alpha.lab.\"} " "$E2E_DIR/metrics.out" || zw_fail "no $metric: $(cat "$E2E_DIR/metrics.out")"
done

zw_log "Knot (ns2.alpha.lab.) goes down: check names it and exits 3"
zw_stop knot
rc=0
zwc check alpha.lab. >"$E2E_DIR/check-down.out" || rc=$?
[[ $rc == 3 ]] || zw_fail "check exited $rc with a server down: $(cat "$E2E_DIR/check-down.out")"
grep -Eq "ns2.alpha.lab./$E2E_ALPHA2.*(unreachable|timeout)" "$E2E_DIR/check-down.out" ||
    zw_fail "check does not name the server that is down: $(cat "$E2E_DIR/check-down.out")"
e2e_poller_stop secure
zw_log "PASS"
