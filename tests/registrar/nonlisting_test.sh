#!/usr/bin/env bash
# command, manual and cds through the driver: an operator program that applies the set to
# the loopback parent by nsupdate (add, replace, a temporary failure then success, go
# insecure); manual's instructions carry exactly the DS records dnssec-dsfromkey computes;
# cds asks for CDS and CDNSKEY of the same keys, and the RFC 8078 delete form.
set -euo pipefail
source "$(dirname "$0")/harness.sh"
reg_parse_args "$@"
zw_init registrar-nonlisting
reg_parent_start
reg_key A
reg_key B
J=$ZW_TMP/state.db
export ZW_PARENT=$REG_NS ZW_TSIG=$REG_TSIG ZW_FAIL_ONCE=$ZW_TMP/fail-once
C=(--name ops --journal "$J" --zone "$REG_ZONE" --set type=command --set program="$REG_HERE/nsupdate_command.py" --set timeout=20s)

zw_log "command: add A, replace by A+B, then B"
reg_expect 0 "${C[@]}" --keys "$REG_KEY_A"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A")" ]] || zw_fail "command add: $(reg_served_ds)"
reg_expect 0 "${C[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A" "$REG_KEY_B")" ]] || zw_fail "command A+B: $(reg_served_ds)"
zw_log "command: a temporary failure (exit 75) is transient; the retry succeeds"
touch "$ZW_FAIL_ONCE"
reg_expect 20 "${C[@]}" --keys "$REG_KEY_B"
grep -q "registry busy" "$REG_OUT" || zw_fail "$(cat "$REG_OUT")"
reg_expect 0 "${C[@]}" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "command B: $(reg_served_ds)"
zw_log "command: go insecure"
reg_expect 0 "${C[@]}" --go-insecure
[[ -z $(reg_served_ds) ]] || zw_fail "command insecure: $(reg_served_ds)"

zw_log "manual: needs_operator with the exact DS records"
M=(--name human --journal "$J" --zone "$REG_ZONE" --set type=manual --set ds-ttl=3600)
reg_expect 11 "${M[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
want=$(reg_ds "$REG_KEY_A" "$REG_KEY_B")
got=$(awk '$4 == "DS" { print $5, $6, $7, toupper($8) }' "$REG_OUT" | sort)
[[ $got == "$want" ]] || zw_fail "manual instructions: $got vs $want"

zw_log "cds: CDS and CDNSKEY of the same keys; the delete form"
S=(--name scan --journal "$J" --zone "$REG_ZONE" --set type=cds --set ttl=300)
reg_expect 12 "${S[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
got=$(awk '$1 == "publish" && $5 == "CDS" { print $6, $7, $8, toupper($9) }' "$REG_OUT" | sort)
[[ $got == "$want" ]] || zw_fail "CDS: $got vs $want"
[[ $(grep -cP "^publish .*\tCDNSKEY\t" "$REG_OUT") == 2 ]] || zw_fail "CDNSKEY: $(cat "$REG_OUT")"
reg_expect 12 "${S[@]}" --go-insecure
grep -qE "CDS[[:space:]]+0 0 0 00" "$REG_OUT" || zw_fail "no CDS delete form: $(cat "$REG_OUT")"
grep -qE "CDNSKEY[[:space:]]+0 3 0 AA==" "$REG_OUT" || zw_fail "no CDNSKEY delete form: $(cat "$REG_OUT")"
zw_log "PASS"
