#!/usr/bin/env bash
# The daemon's HTTP endpoint in the middle of a KSK rollover, on the loopback hierarchy:
#   - alpha.lab. is made secure by ticks; then `zonewarden run` starts with an http section
#     on a loopback address, a KSK rollover (double-DS, RFC 2136) is asked for, and Knot
#     (ns2.alpha.lab.) stops getting new versions of the zone: the rollover stops where the
#     child's servers must confirm the change, and waits for ns2;
#   - /status.json is `status --json` (schema 1, the same zones, keys and states);
#   - /metrics passes `promtool check metrics` and has the status metrics and the daemon's
#     own (passes, live checks per server, registrar submissions);
#   - / in headless Chromium: a screenshot is kept (OUT/status-page.png), and the DOM shows
#     the zone as rolling, every record's bar at "now" in the state status reports, the
#     projected future, and ns2.alpha.lab. named as the server it waits for;
#   - `report --html` writes the same page; GET/HEAD only (405), 404, an oversized header
#     (431) and a flood of connections leave the daemon serving;
#   - once Knot follows again the daemon completes the rollover, and the page shows it.
#   status_page_test.sh --zonewarden BIN --out DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
OUT=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --out) OUT=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
# shellcheck source=steps.sh
source "$here/steps.sh"
zw_init e2e-status-page
[[ -n $OUT ]] || zw_fail "--out DIR is required (the screenshot is kept there)"
e2e_require
e2e_require_operator_commands
zw_require chromium promtool curl python3
mkdir -p "$OUT"
E2E_SIM=none
e2e_build
zw_addr
HTTP=$ZW_LAST_ADDR:9857
printf 'http:\n  listen: %s\n  port: 9857\n' "${HTTP%:*}" >>"$E2E_CONF"
e2e_start

chrome() { # ARGS... URL: headless Chromium with a fresh profile, nothing from the network
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
        --user-data-dir="$(mktemp -d "$ZW_TMP/chrome.XXXXXX")" "$@" 2>>"$ZW_TMP/chromium.log"
}

e2e_onboard alpha.lab. alpha double-ds lab-update
e2e_tick_until 120 "alpha.lab.=$E2E_SECURE"
old=$(e2e_tags alpha.lab. ksk)

e2e_daemon_start
for ((n = 0; n < 50; n++)); do
    curl -sf --max-time 2 "http://$HTTP/status.json" >/dev/null 2>&1 && break
    sleep 0.2
done
((n < 50)) || zw_fail "the daemon does not answer on http://$HTTP: $(tail -n 5 "$ZW_TMP/daemon.log")"

# Knot keeps the zone it has: the publish hook updates NSD only from now on.
cp "$E2E_DIR/hooks/publish.sh" "$E2E_DIR/hooks/publish.sh.all"
sed -i '/knot-alpha\/alpha.lab.zone"$/d; /knotc /d' "$E2E_DIR/hooks/publish.sh"
sed -i 's|nsd-control -c "\(.*\)" reload alpha.lab. >/dev/null$|nsd-control -c "\1" reload alpha.lab. >/dev/null ;;|' \
    "$E2E_DIR/hooks/publish.sh"
sh -n "$E2E_DIR/hooks/publish.sh" || zw_fail "the NSD-only hook is not valid shell"
zwq rollover alpha.lab. --ksk || zw_fail "rollover --ksk exited $?"

# Until the daemon waits for the child's servers (ns2 among them) in the middle of it.
blocked=""
for ((n = 0; n < 240; n++)); do
    e2e__daemon_show
    curl -sf --max-time 5 "http://$HTTP/status.json" >"$ZW_TMP/served.json" || zw_fail "GET /status.json failed"
    blocked=$(python3 - "$ZW_TMP/served.json" "$E2E_ALPHA2" <<'PY'
import json, sys
z = json.load(open(sys.argv[1]))["zones"][0]
ksks = [k for k in z["keys"] if k["role"] == "ksk"]
waits = [w for w in z["waiting"] if w["gate"] == "observation" and ("/" + sys.argv[2] + ":") in w["why"]]
print("yes" if z["state"] == "rolling" and len(ksks) == 2 and waits else "")
PY
)
    [[ -n $blocked ]] && break
    sleep 0.5
done
[[ -n $blocked ]] || zw_fail "the rollover never waited for ns2: $(cat "$ZW_TMP/served.json")"
zw_log "the daemon waits for ns2.alpha.lab. ($E2E_ALPHA2) in the middle of the KSK rollover"

# --- /status.json is status --json ----------------------------------------------------
curl -sf "http://$HTTP/status.json" >"$ZW_TMP/served.json"
zwc status --json >"$ZW_TMP/cli.json"
python3 "$E2E_HERE/check.py" schema "$ZW_TMP/served.json" >"$ZW_TMP/schema.out" ||
    zw_fail "/status.json does not follow schema 1: $(head -n 5 "$ZW_TMP/schema.out")"
python3 - "$ZW_TMP/served.json" "$ZW_TMP/cli.json" <<'PY' || zw_fail "/status.json and status --json differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def shape(s):
    return [(z["zone"], z["state"], sorted((k["id"], k["tag"], k["role"], tuple(sorted((r, v["state"])
             for r, v in k["records"].items()))) for k in z["keys"])) for z in s["zones"]]
if shape(a) != shape(b):
    print("served:", shape(a)); print("cli:   ", shape(b)); sys.exit(1)
PY

# --- /metrics ---------------------------------------------------------------------------
curl -sf "http://$HTTP/metrics" >"$ZW_TMP/metrics.txt" || zw_fail "GET /metrics failed"
promtool check metrics <"$ZW_TMP/metrics.txt" >"$ZW_TMP/promtool.out" 2>&1 ||
    zw_fail "promtool check metrics: $(cat "$ZW_TMP/promtool.out")"
echo "PROMTOOL check metrics: exit 0, $(grep -c '' "$ZW_TMP/promtool.out") lines of findings"
cp "$ZW_TMP/metrics.txt" "$OUT/metrics.txt"
metric() { # NAME{LABELS}: its value
    awk -v m="$1" 'index($0, m " ") == 1 { print $2 }' "$ZW_TMP/metrics.txt"
}
for m in 'zonewarden_zone_state{zone="alpha.lab.",state="rolling"}' \
    "zonewarden_live_check_server_checks_total{server=\"ns2.alpha.lab./$E2E_ALPHA2\"}" \
    'zonewarden_registrar_submissions_total{registrar="lab-update"}' zonewarden_pass_duration_seconds_count \
    'zonewarden_signature_expiry_timestamp_seconds{zone="alpha.lab."}'; do
    v=$(metric "$m")
    [[ -n $v ]] && awk -v v="$v" 'BEGIN { exit !(v > 0) }' || zw_fail "/metrics: $m is '${v:-missing}'"
done
zw_log "/metrics: promtool finds nothing; passes $(metric zonewarden_pass_duration_seconds_count), ns2 checked $(metric "zonewarden_live_check_server_checks_total{server=\"ns2.alpha.lab./$E2E_ALPHA2\"}") times"

# --- the page in Chromium ------------------------------------------------------------------
url="http://$HTTP/?span=2m"
chrome --dump-dom "$url" >"$ZW_TMP/dom.html" || zw_fail "chromium --dump-dom failed: $(tail -n 5 "$ZW_TMP/chromium.log")"
curl -sf "http://$HTTP/status.json" >"$ZW_TMP/at-dom.json"
chrome --window-size=1280,1000 --screenshot="$OUT/status-page.png" "$url" >/dev/null ||
    zw_fail "chromium --screenshot failed: $(tail -n 5 "$ZW_TMP/chromium.log")"
[[ -s $OUT/status-page.png ]] || zw_fail "no screenshot"
python3 "$here/page_check.py" "$ZW_TMP/dom.html" "$ZW_TMP/at-dom.json" alpha.lab. "ns2.alpha.lab./$E2E_ALPHA2" ||
    zw_fail "the page does not show what status says (above)"
zw_log "the page shows alpha.lab. rolling, each record's state at now, the projection, ns2 blocking; screenshot $OUT/status-page.png"

# report --html writes the same page (every zone in the file, paged by its script).
zwc report --html "$OUT/report.html" --span 2m >/dev/null || zw_fail "report --html exited $?"
chrome --dump-dom "file://$OUT/report.html" >"$ZW_TMP/report-dom.html" || zw_fail "chromium on the report failed"
zwc status --json >"$ZW_TMP/at-report.json"
python3 "$here/page_check.py" "$ZW_TMP/report-dom.html" "$ZW_TMP/at-report.json" alpha.lab. \
    "ns2.alpha.lab./$E2E_ALPHA2" || zw_fail "report --html does not show what status says"

# --- the server holds -----------------------------------------------------------------------
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
[[ $(code -X POST "http://$HTTP/") == 405 ]] || zw_fail "POST / is not 405"
[[ $(code -X DELETE "http://$HTTP/metrics") == 405 ]] || zw_fail "DELETE is not 405"
[[ $(code "http://$HTTP/nothing-here") == 404 ]] || zw_fail "an unknown path is not 404"
[[ $(code -I "http://$HTTP/") == 200 ]] || zw_fail "HEAD / is not 200"
[[ $(code -H "X-Pad: $(head -c 12000 /dev/zero | tr '\0' a)" "http://$HTTP/") == 431 ]] ||
    zw_fail "a 12 kB header is not refused with 431"
# More idle connections than it serves at once (64): the rest are closed at once.
fds=()
for ((n = 0; n < 100; n++)); do
    # (the braces keep 2>/dev/null from applying to the shell itself, as exec would)
    { exec {fd}<>"/dev/tcp/${HTTP%:*}/9857"; } 2>/dev/null && fds+=("$fd")
done
for fd in "${fds[@]}"; do exec {fd}>&-; done
[[ $(code "http://$HTTP/metrics") == 200 ]] || zw_fail "after 100 idle connections /metrics no longer answers"
kill -0 "$E2E_DAEMON" || zw_fail "the daemon died"
zw_log "405, 404, HEAD, 431 as they should; 100 idle connections later it still serves"

# --- Knot follows again: the daemon completes the rollover ---------------------------------
mv "$E2E_DIR/hooks/publish.sh.all" "$E2E_DIR/hooks/publish.sh"
# The next write of the zone goes to Knot too; the daemon writes when the signatures or
# keys change, so hand Knot the current zone now.
cp "$E2E_DIR/zw/signed/alpha.lab.zone" "$E2E_DIR/knot-alpha/alpha.lab.zone"
knotc -t 10 -s "$E2E_DIR/knot-alpha/knot.sock" zone-reload alpha.lab. >/dev/null || zw_fail "knotc zone-reload"
e2e_wait_daemon 120 "alpha.lab.=$(e2e_rolled_expr ksk "$old")"
chrome --dump-dom "$url" >"$ZW_TMP/dom-after.html" || zw_fail "chromium --dump-dom failed"
curl -sf "http://$HTTP/status.json" >"$ZW_TMP/after.json"
python3 "$here/page_check.py" "$ZW_TMP/dom-after.html" "$ZW_TMP/after.json" alpha.lab. "" ||
    zw_fail "after the rollover the page does not show what status says"
e2e_daemon_stop
zw_log "rollover done ($old -> $(e2e_tags alpha.lab. ksk)); the page follows"
zw_log "PASS"
