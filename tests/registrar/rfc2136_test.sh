#!/usr/bin/env bash
# rfc2136 against a real BIND primary with TSIG: add, replace, add a digest type, refuse to
# empty the set by accident, go insecure on purpose; a wrong key is an authentication error;
# a change made behind our back between listing and updating trips the prerequisite.
set -euo pipefail
source "$(dirname "$0")/harness.sh"
reg_parse_args "$@"
zw_init registrar-rfc2136
reg_parent_start
reg_key A
reg_key B

J=$ZW_TMP/state.db
R=(--name parent --journal "$J" --zone "$REG_ZONE" --set type=rfc2136 --set server="$REG_NS"
    --set tsig-key-file="$REG_TSIG" --set ds-ttl=30)

zw_log "add the first DS"
reg_expect 0 "${R[@]}" --keys "$REG_KEY_A"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A")" ]] || zw_fail "served DS after add: $(reg_served_ds)"

zw_log "double-DS: add B beside A, then replace with B alone"
reg_expect 0 "${R[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A" "$REG_KEY_B")" ]] || zw_fail "served DS A+B: $(reg_served_ds)"
reg_expect 0 "${R[@]}" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "served DS B: $(reg_served_ds)"
grep -q "^held $(reg_ds "$REG_KEY_B" | cut -d' ' -f1-3)" "$REG_OUT" || zw_fail "receipt does not list B: $(cat "$REG_OUT")"

zw_log "SHA-384 beside SHA-256 for the same key"
reg_expect 0 "${R[@]}" --keys "$REG_KEY_B" --digest-types 2,4
[[ $(reg_served_ds | wc -l) == 2 && $(reg_served_ds | awk '{print $3}' | sort -u | tr '\n' ' ') == "2 4 " ]] ||
    zw_fail "expected SHA-256 and SHA-384 DS: $(reg_served_ds)"
reg_expect 0 "${R[@]}" --keys "$REG_KEY_B"

zw_log "an empty set without --go-insecure is refused and changes nothing"
reg_expect 22 "${R[@]}"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "DS changed after a refused empty set"

zw_log "a wrong TSIG secret is an authentication error"
sed 's|secret "[^"]*"|secret "'"$(openssl rand -base64 32)"'"|' "$REG_TSIG" >"$ZW_TMP/wrong.key"
chmod 600 "$ZW_TMP/wrong.key"
reg_expect 23 --name parent --journal "$J" --zone "$REG_ZONE" --set type=rfc2136 --set server="$REG_NS" \
    --set tsig-key-file="$ZW_TMP/wrong.key" --keys "$REG_KEY_A"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "DS changed by a badly signed update"

zw_log "a concurrent change between listing and updating trips the prerequisite"
reg_key C
conc_ds=$(reg_ds "$REG_KEY_C")
reg_expect 20 "${R[@]}" --keys "$REG_KEY_A" --action stale-apply \
    --between "nsupdate -k $REG_TSIG" --between-input "server $REG_NS
update add $REG_ZONE 30 IN DS $conc_ds
send
"
grep -q "prerequisite failed" "$REG_OUT" || zw_fail "expected a prerequisite failure: $(cat "$REG_OUT")"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B" "$REG_KEY_C")" ]] || zw_fail "concurrent change was overwritten: $(reg_served_ds)"
zw_log "the retry lists again and converges"
reg_expect 0 "${R[@]}" --keys "$REG_KEY_A"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A")" ]] || zw_fail "after retry: $(reg_served_ds)"

zw_log "go insecure on purpose"
reg_expect 0 "${R[@]}" --go-insecure
[[ -z $(reg_served_ds) ]] || zw_fail "DS still served after going insecure: $(reg_served_ds)"
zw_log "PASS"
