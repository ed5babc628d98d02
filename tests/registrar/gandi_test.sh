#!/usr/bin/env bash
# gandi against its simulator (tests/registrar/gandi_sim.py, written from Gandi's published
# definitions): add (type ksk, 202, delayed listing), replace (add first, then an asynchronous
# delete), pagination by Link rel="next", remove down to one key; typed errors for a bad
# token (401), a token without rights (403), a key of type "none" at the registry (reported,
# not guessed), an answer with null fields, a bad key, an unknown domain, 429, 503 and a
# timeout after commit, each converging on retry without duplicates; a client killed between
# sending and answering resumes from the journal without a second POST; an untrusted
# certificate is refused; the token never reaches the log.
set -euo pipefail
source "$(dirname "$0")/harness.sh"
reg_parse_args "$@"
zw_init registrar-gandi
reg_parent_start
zw_addr
REG_SIM_ADDR=$ZW_LAST_ADDR
reg_tls "$REG_SIM_ADDR"
TOKEN=gandi-pat-$(openssl rand -hex 16)
printf '%s\n' "$TOKEN" >"$ZW_TMP/token"
printf 'gandi-pat-other-%s\n' "$(openssl rand -hex 8)" >"$ZW_TMP/limited-token"
chmod 600 "$ZW_TMP/token" "$ZW_TMP/limited-token"
reg_sim_start gandi gandi_sim.py --token-file "$ZW_TMP/token" --limited-token-file "$ZW_TMP/limited-token" \
    --appear-after 1.0 --delete-after 1.0
reg_key A
reg_key B

J=$ZW_TMP/state.db
G=(--name gandi --journal "$J" --zone "$REG_ZONE" --set type=gandi --set url="$REG_URL/v5"
    --set token-file="$ZW_TMP/token" --set ca-file="$REG_CA" --set page-size=1 --set timeout=2s
    --set settle-window=60s --polls 40 --interval-ms 250)
keys_held() { reg_sim_field 'len(s["keys"])'; }
posts() { reg_sim_field 's["posts"]'; }

zw_log "add A: 202 without an id, found by listing once it appears"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_A"
[[ $(posts) == 1 && $(keys_held) == 1 ]] || zw_fail "after add: posts $(posts), keys $(keys_held)"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A")" ]] || zw_fail "parent serves: $(reg_served_ds)"

zw_log "replace A by B: B is added and listed before A is deleted"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_B"
[[ $(keys_held) == 1 && $(posts) == 2 ]] || zw_fail "after replace: posts $(posts), keys $(keys_held)"
reg_sim_field '"\n".join(s["requests"])' >"$ZW_TMP/requests"
first_delete=$(grep -n '^DELETE' "$ZW_TMP/requests" | head -n 1 | cut -d: -f1)
last_post=$(grep -n '^POST' "$ZW_TMP/requests" | tail -n 1 | cut -d: -f1)
((last_post < first_delete)) || zw_fail "a DELETE came before the POST of the new key"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "parent serves: $(reg_served_ds)"

zw_log "two keys (pagination with page-size 1), then remove back to B"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(grep -c '^held' "$REG_OUT") == 2 ]] || zw_fail "listing across pages: $(cat "$REG_OUT")"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_B"
[[ $(keys_held) == 1 && $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "remove: $(reg_served_ds)"

zw_log "faults: wrong token → authentication"
printf 'wrong\n' >"$ZW_TMP/bad-token" && chmod 600 "$ZW_TMP/bad-token"
reg_expect 23 "${G[@]}" --set token-file="$ZW_TMP/bad-token" --keys "$REG_KEY_A"
zw_log "faults: a token without rights on the domain → authentication (403)"
reg_expect 23 "${G[@]}" --set token-file="$ZW_TMP/limited-token" --keys "$REG_KEY_A"
grep -q "no rights" "$REG_OUT" || zw_fail "403 not explained: $(cat "$REG_OUT")"
zw_log "faults: unknown domain → not_found"
reg_expect 24 "${G[@]}" --zone other.test. --keys "$REG_KEY_A"
zw_log "faults: a malformed key → invalid, in Gandi's error format"
head -c 20 /dev/urandom | base64 >"$ZW_TMP/short.b64"
printf '%s 3600 IN DNSKEY 257 3 13 %s\n' "$REG_ZONE" "$(cat "$ZW_TMP/short.b64")" >"$ZW_TMP/short.key"
reg_expect 22 "${G[@]}" --keys "$REG_KEY_B" --keys "$ZW_TMP/short.key"
grep -q "public_key: wrong length" "$REG_OUT" || zw_fail "validation message lost: $(cat "$REG_OUT")"

zw_log "faults: a listing with null fields → bad_answer naming the field, no abort"
reg_sim POST /_sim/fault '{"method":"GET","kind":"status","status":200,"json":[{"id":null,"type":null,"keytag":null,"algorithm":null,"digest":null,"digest_type":null,"public_key":null,"href":null}]}' >/dev/null
reg_expect 26 "${G[@]}" --keys "$REG_KEY_B"
grep -q 'field `\[0\].id`' "$REG_OUT" || zw_fail "the field is not named: $(cat "$REG_OUT")"

zw_log "a key of type none at the registry is reported, never guessed; once deleted, all is well"
curl -sf --max-time 5 --cacert "$REG_CA" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data "{\"algorithm\": 13, \"type\": \"none\", \"public_key\": \"$(awk '!/^;/ { for (i = 1; i <= NF; i++) if ($i == "DNSKEY") { for (j = i + 4; j <= NF; j++) printf "%s", $j; exit } }' "$REG_KEY_A")\"}" \
    "$REG_URL/v5/domain/domains/child.test/dnskeys" >/dev/null || zw_fail "could not add a key of type none"
sleep 1.5
reg_expect 26 "${G[@]}" --keys "$REG_KEY_B"
grep -q 'type "none"' "$REG_OUT" || zw_fail "type none not reported: $(cat "$REG_OUT")"
none_id=$(reg_sim_field '[k["id"] for k in s["keys"] if k["type"] == "none"][0]')
curl -sf --max-time 5 --cacert "$REG_CA" -H "Authorization: Bearer $TOKEN" -X DELETE \
    "$REG_URL/v5/domain/domains/child.test/dnskeys/$none_id" >/dev/null || zw_fail "could not delete the key of type none"
sleep 1.5
reg_expect 0 "${G[@]}" --keys "$REG_KEY_B"

zw_log "faults: 429 with Retry-After → transient with the hint"
reg_sim POST /_sim/fault '{"method":"POST","kind":"status","status":429,"headers":{"Retry-After":"7"},"json":{"code":429,"message":"Too Many Requests","object":"HTTPTooManyRequests","cause":""}}' >/dev/null
reg_expect 20 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
grep -q "retry after 7s" "$REG_OUT" || zw_fail "Retry-After lost: $(cat "$REG_OUT")"
zw_log "faults: 503 → transient; the retry converges"
reg_sim POST /_sim/fault '{"method":"POST","kind":"status","status":503,"json":{"code":503,"message":"Service Unavailable","object":"HTTPServiceUnavailable","cause":""}}' >/dev/null
reg_expect 20 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(keys_held) == 2 ]] || zw_fail "after 503 and retry: $(keys_held) keys"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_B"

zw_log "faults: the POST is committed but the answer comes after the client's 2 s timeout"
# The key shows in the listing only after 4 s, so the retry at 2 s must trust the journal.
reg_sim POST /_sim/set '{"appear_after": 4.0}' >/dev/null
p0=$(posts)
reg_sim POST /_sim/fault '{"method":"POST","kind":"delay_after_commit","seconds":4}' >/dev/null
reg_expect 20 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
reg_expect 0 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(posts) == $((p0 + 1)) && $(keys_held) == 2 ]] || zw_fail "timeout retry duplicated: posts $(posts) (was $p0), keys $(keys_held)"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A" "$REG_KEY_B")" ]] || zw_fail "parent serves: $(reg_served_ds)"
reg_sim POST /_sim/set '{"appear_after": 1.0}' >/dev/null
reg_expect 0 "${G[@]}" --keys "$REG_KEY_B"

zw_log "crash: kill the client between sending and answering, then resume"
p0=$(posts)
reg_sim POST /_sim/fault '{"method":"POST","kind":"delay_after_commit","seconds":8}' >/dev/null
"$REG_DRIVER" "${G[@]}" --set timeout=30s --keys "$REG_KEY_A" --keys "$REG_KEY_B" >"$ZW_TMP/crash.out" 2>&1 &
victim=$!
for ((n = 0; n < 50; n++)); do
    [[ $(posts) == $((p0 + 1)) ]] && break
    sleep 0.1
done
[[ $(posts) == $((p0 + 1)) ]] || zw_fail "the POST never reached the simulator"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
reg_expect 0 "${G[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(posts) == $((p0 + 1)) && $(keys_held) == 2 ]] || zw_fail "resume re-sent: posts $(posts) (was $p0), keys $(keys_held)"

zw_log "an untrusted certificate (no CA file: the system store) is refused before any request"
n0=$(reg_sim_field 'len(s["requests"])')
reg_expect 23 --name gandi --journal "$J" --zone "$REG_ZONE" --set type=gandi --set url="$REG_URL/v5" \
    --set token-file="$ZW_TMP/token" --keys "$REG_KEY_B"
grep -q "TLS certificate not trusted" "$REG_OUT" || zw_fail "not a certificate error: $(cat "$REG_OUT")"
[[ $(reg_sim_field 'len(s["requests"])') == "$n0" ]] || zw_fail "a request got through an untrusted TLS session"

zw_log "the token never appears in the log; the header is redacted"
grep -q "Authorization: <redacted>" "$ZW_TMP/driver.log" || zw_fail "no redacted Authorization in the log"
! grep -q "$TOKEN" "$ZW_TMP/driver.log" "$ZW_TMP/driver.out" || zw_fail "the token leaked into the log"
zw_log "PASS"
