#!/usr/bin/env bash
# rfc2136 against a BIND parent that takes updates only from one address AND with a key
# (allow-update { !{ !SRC; !::1; any; }; key K; }, the idiom of BIND's reference manual):
# without `source` the update leaves from the server's own address and is REFUSED, nothing
# changes; with `source: SRC` it is accepted; hmac-sha384 and hmac-sha512 keys (tsig-keygen)
# both sign updates BIND accepts; an IPv6 `server` (::1, on a port of its own) works with
# `source: [::1]:PORT`.
set -euo pipefail
source "$(dirname "$0")/harness.sh"
reg_parse_args "$@"
zw_init registrar-rfc2136-source
zw_require named tsig-keygen
zw_addr
SRC=$ZW_LAST_ADDR
PORT6=$((20000 + RANDOM % 30000))
mkdir -p "$ZW_TMP/bind"
tsig-keygen -a hmac-sha384 zw-384 >"$ZW_TMP/k384.key"
tsig-keygen -a hmac-sha512 zw-512 >"$ZW_TMP/k512.key"
chmod 600 "$ZW_TMP"/k*.key
REG_PARENT_KEYS=("$ZW_TMP/k384.key" "$ZW_TMP/k512.key")
reg_parent_start "allow-update { !{ !$SRC; !::1; any; }; key zw-384; key zw-512; };" \
    "listen-on-v6 port $PORT6 { ::1; };"
NS=$REG_NS
reg_key A
reg_key B

J=$ZW_TMP/state.db
R=(--name parent --journal "$J" --zone "$REG_ZONE" --set type=rfc2136 --set server="$NS" --set ds-ttl=30)

zw_log "without source: the update leaves from $NS, which the parent refuses; nothing changes"
reg_expect 23 "${R[@]}" --set tsig-key-file="$ZW_TMP/k384.key" --keys "$REG_KEY_A"
grep -q "REFUSED" "$REG_OUT" || zw_fail "not refused: $(cat "$REG_OUT")"
[[ -z $(reg_served_ds) ]] || zw_fail "a refused update changed the DS: $(reg_served_ds)"

zw_log "with source $SRC and an hmac-sha384 key: accepted"
reg_expect 0 "${R[@]}" --set tsig-key-file="$ZW_TMP/k384.key" --set source="$SRC" --keys "$REG_KEY_A"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A")" ]] || zw_fail "served DS after add: $(reg_served_ds)"

zw_log "with source $SRC and a source port, and an hmac-sha512 key: accepted"
reg_expect 0 "${R[@]}" --set tsig-key-file="$ZW_TMP/k512.key" --set source="$SRC:$((PORT6 + 1))" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "served DS after replace: $(reg_served_ds)"

zw_log "from the right address with a key the parent does not know: refused"
tsig-keygen -a hmac-sha256 zw-unknown >"$ZW_TMP/unknown.key" && chmod 600 "$ZW_TMP/unknown.key"
reg_expect 23 "${R[@]}" --set tsig-key-file="$ZW_TMP/unknown.key" --set source="$SRC" --keys "$REG_KEY_A"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "DS changed by an unknown key: $(reg_served_ds)"

zw_log "an IPv6 server (::1 port $PORT6) with source [::1]:$((PORT6 + 2))"
reg_expect 0 --name parent6 --journal "$J" --zone "$REG_ZONE" --set type=rfc2136 --set server=::1 --set port="$PORT6" \
    --set source="[::1]:$((PORT6 + 2))" --set tsig-key-file="$ZW_TMP/k384.key" --set ds-ttl=30 --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A" "$REG_KEY_B")" ]] || zw_fail "served DS over IPv6: $(reg_served_ds)"
zw_log "PASS"
