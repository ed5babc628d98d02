#!/usr/bin/env bash
# ovh against its simulator (tests/registrar/ovh_sim.py, written from OVHcloud's published
# schema; its clock runs an hour ahead): signed requests with the server's time, whole-set
# replace through tasks (todo → doing → done | error) whose comment is null, add, replace,
# remove; the entry limit (ours and the API's); typed errors for bad credentials, a bad
# signature, an unknown domain, 500, a failed task and a task answer with null fields; a task
# in "problem" or in a status no schema lists is waited for only within the settle window;
# a timeout after commit and a killed client both resume by adopting the task (found with the
# published function= and status= filters), with exactly one POST; an untrusted certificate
# is refused; no credential reaches the log.
set -euo pipefail
source "$(dirname "$0")/harness.sh"
reg_parse_args "$@"
zw_init registrar-ovh
reg_parent_start
zw_addr
REG_SIM_ADDR=$ZW_LAST_ADDR
reg_tls "$REG_SIM_ADDR"
AS=$(openssl rand -hex 16)
CK=$(openssl rand -hex 16)
printf '{"application_key":"ak-test","application_secret":"%s","consumer_key":"%s"}\n' "$AS" "$CK" >"$ZW_TMP/creds.json"
chmod 600 "$ZW_TMP/creds.json"
reg_sim_start ovh ovh_sim.py --credentials-file "$ZW_TMP/creds.json" --time-offset 3600 --skew 30
for k in A B C D E; do reg_key "$k"; done

J=$ZW_TMP/state.db
O=(--name ovh --journal "$J" --zone "$REG_ZONE" --set type=ovh --set url="$REG_URL/1.0"
    --set credentials-file="$ZW_TMP/creds.json" --set ca-file="$REG_CA" --set timeout=2s
    --set settle-window=60s --polls 40 --interval-ms 250)
posts() { reg_sim_field 's["posts"]'; }
records() { reg_sim_field 'len(s["records"])'; }

zw_log "add A: signed with the server's clock (an hour ahead), a task, then the record"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_A"
[[ $(posts) == 1 && $(records) == 1 ]] || zw_fail "after add: posts $(posts), records $(records)"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_A")" ]] || zw_fail "parent serves: $(reg_served_ds)"
zw_log "replace with A+B (one POST: the whole set), then B alone"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(posts) == 2 && $(reg_served_ds) == "$(reg_ds "$REG_KEY_A" "$REG_KEY_B")" ]] || zw_fail "A+B: $(reg_served_ds)"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_B"
[[ $(posts) == 3 && $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "B: $(reg_served_ds)"
zw_log "converged: no request at all"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_B"
[[ $(posts) == 3 ]] || zw_fail "a converged set was posted again"

zw_log "entry limit: refused before sending (4), and by the API when we allow more"
ALL=(--keys "$REG_KEY_A" --keys "$REG_KEY_B" --keys "$REG_KEY_C" --keys "$REG_KEY_D" --keys "$REG_KEY_E")
reg_expect 22 "${O[@]}" "${ALL[@]}"
grep -q "at most 4" "$REG_OUT" || zw_fail "$(cat "$REG_OUT")"
reg_expect 22 "${O[@]}" --set max-entries=5 "${ALL[@]}"
grep -q "Too many keys.*Client::BadRequest" "$REG_OUT" || zw_fail "API limit: $(cat "$REG_OUT")"
[[ $(posts) == 3 ]] || zw_fail "a refused POST created a task"

zw_log "faults: wrong consumer key, wrong secret → authentication; unknown domain → not_found"
printf '{"application_key":"ak-test","application_secret":"%s","consumer_key":"nope"}\n' "$AS" >"$ZW_TMP/bad-ck.json"
printf '{"application_key":"ak-test","application_secret":"nope","consumer_key":"%s"}\n' "$CK" >"$ZW_TMP/bad-as.json"
chmod 600 "$ZW_TMP"/bad-*.json
reg_expect 23 "${O[@]}" --set credentials-file="$ZW_TMP/bad-ck.json" --keys "$REG_KEY_A"
grep -q INVALID_CREDENTIAL "$REG_OUT" || zw_fail "$(cat "$REG_OUT")"
reg_expect 23 "${O[@]}" --set credentials-file="$ZW_TMP/bad-as.json" --keys "$REG_KEY_A"
grep -q INVALID_SIGNATURE "$REG_OUT" || zw_fail "$(cat "$REG_OUT")"
reg_expect 24 "${O[@]}" --zone other.test. --keys "$REG_KEY_A"

zw_log "faults: 500 → transient; retry converges"
reg_sim POST /_sim/fault '{"method":"POST","kind":"status","status":500,"json":{"class":"Server::InternalServerError","message":"Internal server error"}}' >/dev/null
reg_expect 20 "${O[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_A" --keys "$REG_KEY_B"
[[ $(posts) == 4 && $(records) == 2 ]] || zw_fail "after 500: posts $(posts), records $(records)"

zw_log "faults: the task ends in error → invalid with the registry's comment; retry converges"
reg_sim POST /_sim/set '{"fail_next_task": "registry refused the DS set"}' >/dev/null
reg_expect 22 "${O[@]}" --keys "$REG_KEY_B"
grep -q "registry refused the DS set" "$REG_OUT" || zw_fail "$(cat "$REG_OUT")"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "after task error: $(reg_served_ds)"

zw_log "a task answer with null fields → bad_answer naming the field, no abort"
reg_sim POST /_sim/fault '{"method":"POST","kind":"status","status":200,"json":{"id":null,"function":null,"status":null,"comment":null}}' >/dev/null
reg_expect 26 "${O[@]}" --keys "$REG_KEY_A"
grep -q 'field `id`' "$REG_OUT" || zw_fail "the field is not named: $(cat "$REG_OUT")"

zw_log "a task stuck in problem (2024 schema), then one in a status no schema lists: each waited for within the 3 s settle window, then invalid"
for stuck in problem frobnicated; do
    p0=$(posts)
    reg_sim POST /_sim/set "{\"next_status\": \"$stuck\"}" >/dev/null
    reg_expect 22 "${O[@]}" --set settle-window=3s --keys "$REG_KEY_A"
    grep -q "$stuck" "$REG_OUT" || zw_fail "status $stuck not reported: $(cat "$REG_OUT")"
    [[ $(posts) == $((p0 + 1)) ]] || zw_fail "a stuck task was posted again inside the settle window: $(posts) (was $p0)"
done
reg_expect 0 "${O[@]}" --keys "$REG_KEY_B"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_B")" ]] || zw_fail "after the stuck tasks: $(reg_served_ds)"

zw_log "faults: POST committed, answer after the 2 s timeout → transient; retry adopts the task"
p0=$(posts)
reg_sim POST /_sim/set '{"todo_seconds": 2.5}' >/dev/null
reg_sim POST /_sim/fault '{"method":"POST","kind":"delay_after_commit","seconds":4}' >/dev/null
reg_expect 20 "${O[@]}" --keys "$REG_KEY_C"
reg_expect 0 "${O[@]}" --keys "$REG_KEY_C"
[[ $(posts) == $((p0 + 1)) ]] || zw_fail "timeout retry posted again: $(posts) (was $p0)"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_C")" ]] || zw_fail "after timeout: $(reg_served_ds)"

zw_log "crash: kill the client between sending and answering, then resume"
p0=$(posts)
reg_sim POST /_sim/fault '{"method":"POST","kind":"delay_after_commit","seconds":8}' >/dev/null
"$REG_DRIVER" "${O[@]}" --set timeout=30s --keys "$REG_KEY_D" >"$ZW_TMP/crash.out" 2>&1 &
victim=$!
for ((n = 0; n < 50; n++)); do
    [[ $(posts) == $((p0 + 1)) ]] && break
    sleep 0.1
done
[[ $(posts) == $((p0 + 1)) ]] || zw_fail "the POST never reached the simulator"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
reg_expect 0 "${O[@]}" --keys "$REG_KEY_D"
[[ $(posts) == $((p0 + 1)) ]] || zw_fail "resume posted again: $(posts) (was $p0)"
[[ $(reg_served_ds) == "$(reg_ds "$REG_KEY_D")" ]] || zw_fail "after resume: $(reg_served_ds)"
reg_sim POST /_sim/set '{"todo_seconds": 0.5}' >/dev/null

zw_log "go insecure on purpose: the empty set"
reg_expect 0 "${O[@]}" --go-insecure
[[ $(records) == 0 && -z $(reg_served_ds) ]] || zw_fail "after go-insecure: $(reg_served_ds)"

zw_log "an untrusted certificate is refused"
n0=$(reg_sim_field 'len(s["requests"])')
reg_expect 23 --name ovh --journal "$J" --zone "$REG_ZONE" --set type=ovh --set url="$REG_URL/1.0" \
    --set credentials-file="$ZW_TMP/creds.json" --keys "$REG_KEY_A"
grep -q "TLS certificate not trusted" "$REG_OUT" || zw_fail "$(cat "$REG_OUT")"
[[ $(reg_sim_field 'len(s["requests"])') == "$n0" ]] || zw_fail "a request got through an untrusted TLS session"

zw_log "no secret, consumer key or signature in the log"
grep -q "X-Ovh-Signature: <redacted>" "$ZW_TMP/driver.log" || zw_fail "no redacted signature header in the log"
! grep -q -e "$AS" -e "$CK" -e '\$1\$' "$ZW_TMP/driver.log" "$ZW_TMP/driver.out" || zw_fail "a credential leaked into the log"
zw_log "PASS"
