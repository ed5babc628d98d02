# shellcheck shell=bash
# Steps of the end-to-end scenarios and the demo, on top of lib.sh (the hierarchy):
#
#   e2e_poller_start ZONE...     the validating poller (poller.py) on those zones, throughout
#   e2e_poller_stop [secure|any] stop it and fail on any SERVFAIL, timeout or, with
#                                "secure", on any answer without AD while the DS is at every
#                                parent server; prints the counts (E2E_POLLER_SUMMARY)
#   e2e_status                   zonewarden status --json into $E2E_STATUS
#   e2e_get ZONE EXPR            a Python expression over the zone's status object (check.py)
#   e2e_compare ZONE [PARENT...] status --json against every child server (DNSKEY, CDS) and
#                                every parent server (DS, no duplicates), retried for up to
#                                E2E_CONVERGE seconds (the servers reload, a registrar task
#                                runs); fails on a lasting difference
#   e2e_onboard ZONE TENANT POLICY REGISTRAR
#   e2e_tick_until SECONDS ZONE=EXPR...   `zonewarden tick` once a second until every EXPR
#                                holds (bounded by SECONDS and by a tick count), comparing
#                                status with the servers after each tick
#   e2e_daemon_start / e2e_daemon_kill / e2e_daemon_stop   `zonewarden run` in the background
#   e2e_wait_daemon SECONDS ZONE=EXPR...  poll status while the daemon works
#   e2e_ksk_tags ZONE / e2e_tags ZONE ROLE   key tags of the keys whose goal is omnipresent
#   e2e_rolled_expr ROLE OLD_TAGS          the "rollover done" condition
#   e2e_lower_bound METHOD       RFC 7583 lower bound of a rollover for the policies of lib.sh
#   e2e_offline_config DNS REGISTRARS [LINE...]   for tests without the hierarchy, a
#                                configuration on stdout: files relative to it (state.db,
#                                keys, zones, signed, root.ds), dns: { DNS, trust-anchor },
#                                one policy `p` of unlimited lifetimes, the registrars block,
#                                then each LINE

E2E_CONVERGE=${E2E_CONVERGE:-8}
E2E_SECURE='z["state"] == "secure" and settled'
E2E_DAEMON_SEEN=0       # lines of daemon.log already shown
E2E_COMPARE_PARENTS=()  # e2e_tick_until compares DS at these (default: every lab. server)

e2e_poller_start() {
    local args=() z p
    for z in "$@"; do args+=(--zone "$z"); done
    for p in "${E2E_PARENTS[@]}"; do args+=(--parent "$p"); done
    # Grace: after the DS appears at every parent server, resolvers may still hold lab.'s
    # "no DS" proof for its negative TTL (2 s); 8 s leaves room for the referral and
    # the DNSKEY fetch as well. The poller stops by itself after 15 minutes at most.
    python3 "$E2E_HERE/poller.py" --resolver "$E2E_UNBOUND" "${args[@]}" --grace 8 \
        --max-seconds "${E2E_POLLER_MAX:-900}" --out "$E2E_DIR/poller.json" \
        2>"$E2E_DIR/poller.log" &
    E2E_POLLER=$!
    ZW_PIDS+=("$E2E_POLLER")
    ZW_PID_NAMES+=(poller)
    zw_log "poller (pid $E2E_POLLER) on $* through $E2E_UNBOUND"
}

e2e_poller_stop() {
    local mode=${1:-secure}
    kill -TERM "$E2E_POLLER" 2>/dev/null || true
    wait "$E2E_POLLER" 2>/dev/null || true
    [[ -s $E2E_DIR/poller.json ]] || zw_fail "the poller wrote no summary; see $E2E_DIR/poller.log"
    E2E_POLLER_SUMMARY=$(python3 - "$E2E_DIR/poller.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
print("; ".join("%s: %d queries, %d AD, %d SERVFAIL, %d other rcode, %d timeouts, %d no-AD failures, %d no-AD expected (insecure)"
                % (z, s["queries"], s["ad"], s["servfail"], s["other_rcode"], s["timeouts"],
                   s["no_ad_failures"], s["no_ad_expected"]) for z, s in p["zones"].items())
      + " over %d rounds in %.0f s" % (p["rounds"], p["seconds"]))
PY
)
    zw_log "poller: $E2E_POLLER_SUMMARY"
    echo "POLLER $ZW_TEST: $E2E_POLLER_SUMMARY"
    python3 - "$E2E_DIR/poller.json" "$mode" <<'PY' || zw_fail "validation failures (see $E2E_DIR/poller.log): $(grep FAILURE "$E2E_DIR/poller.log" | head -n 10)"
import json, sys
p, mode = json.load(open(sys.argv[1])), sys.argv[2]
bad = 0
for z, s in p["zones"].items():
    bad += s["servfail"] + s["other_rcode"] + s["timeouts"]
    if mode == "secure":
        bad += s["no_ad_failures"]
        assert s["ad"] > 0, "%s: never validated" % z
sys.exit(1 if bad else 0)
PY
}

e2e_status() {
    E2E_STATUS=$E2E_DIR/status.json
    zwc status --json >"$E2E_STATUS.tmp" || zw_fail "zonewarden status --json exited $?"
    mv "$E2E_STATUS.tmp" "$E2E_STATUS"
    # Every status taken along the way follows the documented schema (docs/operations.md).
    python3 "$E2E_HERE/check.py" schema "$E2E_STATUS" >"$E2E_DIR/schema.out" ||
        zw_fail "status --json does not follow schema 1: $(head -n 5 "$E2E_DIR/schema.out")"
}

e2e_get() { # ZONE EXPR
    python3 "$E2E_HERE/check.py" get "$E2E_STATUS" "$1" "$2"
}

e2e_compare() { # ZONE [PARENT...]: parents default to every lab. server
    local zone=$1 n out children parents
    shift
    read -r -a children <<<"$(e2e_children "$zone")"
    if [[ $# -gt 0 ]]; then parents=("$@"); else parents=("${E2E_PARENTS[@]}"); fi
    for ((n = 0; n <= E2E_CONVERGE * 2; n++)); do
        if out=$(python3 "$E2E_HERE/check.py" compare "$E2E_STATUS" "$zone" --child "${children[@]}" \
            --parent "${parents[@]}" 2>&1); then
            [[ $n -gt 0 ]] && zw_log "servers caught up with status after $((n / 2)) s: $out"
            return 0
        fi
        sleep 0.5
    done
    zw_fail "status --json and the servers disagree for more than ${E2E_CONVERGE} s: $out"
}

e2e_onboard() { # ZONE TENANT POLICY REGISTRAR
    local rc=0
    zwq onboard "$1" --tenant "$2" --policy "$3" --registrar "$4" || rc=$?
    [[ $rc == 0 || $rc == 1 ]] || zw_fail "onboard $1 exited $rc: $(tail -n 5 "$E2E_DIR/zonewarden.log")"
    zw_log "onboarded $1 (tenant $2, policy $3, registrar $4): exit $rc"
}

# e2e__conditions_hold ZONE=EXPR...: every condition true in the current $E2E_STATUS.
e2e__conditions_hold() {
    local c
    for c in "$@"; do
        [[ $(e2e_get "${c%%=*}" "${c#*=}") == true ]] || return 1
    done
}

E2E_ROUND_MAX=0 # the longest round of e2e_tick_until so far (a tick, status, compare, sleep)

e2e_tick_until() { # SECONDS ZONE=EXPR...
    local limit=$1 start=$SECONDS ticks=0 rc c errors=0 round_start=""
    shift
    while ((SECONDS - start < limit && ticks < limit * 2)); do
        [[ -n $round_start ]] && E2E_ROUND_MAX=$(awk -v m="$E2E_ROUND_MAX" -v d="$(e2e_elapsed "$round_start")" \
            'BEGIN { print (d > m ? d : m) }')
        round_start=$(e2e_now)
        rc=0
        zwq tick || rc=$?
        ticks=$((ticks + 1))
        case $rc in
            0 | 1) ;;
            3) errors=$((errors + 1))
               zw_log "tick exited 3 (outside failure): $(tail -n 2 "$E2E_DIR/zonewarden.log" | tr '\n' ' ')"
               ((errors <= 5)) || zw_fail "tick failed 6 times with outside failures" ;;
            *) zw_fail "tick exited $rc: $(tail -n 5 "$E2E_DIR/zonewarden.log")" ;;
        esac
        e2e_status
        for c in "$@"; do e2e_compare "${c%%=*}" "${E2E_COMPARE_PARENTS[@]}"; done
        if e2e__conditions_hold "$@"; then
            zw_log "after $ticks ticks, $((SECONDS - start)) s: $*"
            return 0
        fi
        sleep 1
    done
    for c in "$@"; do
        zw_log "${c%%=*}: state $(e2e_get "${c%%=*}" 'z["state"]'), waiting $(e2e_get "${c%%=*}" 'z["waiting"]')"
    done
    zw_fail "not reached after $ticks ticks, $((SECONDS - start)) s: $*"
}

# --- the daemon ------------------------------------------------------------------------

# `zonewarden run` under `timeout` (so it cannot outlive a killed test). zw_start records the
# PID of `timeout`; the daemon is its child, whose PID we read from /proc to SIGKILL it.
e2e_daemon_start() {
    zw_start daemon "$ZONEWARDEN" --config "$E2E_CONF" run
    # shellcheck disable=SC2154 # set by zw_start
    local n tpid=$ZW_PID_daemon
    E2E_DAEMON=""
    for ((n = 0; n < 50; n++)); do
        E2E_DAEMON=$(awk '{ print $1 }' "/proc/$tpid/task/$tpid/children" 2>/dev/null)
        [[ -n $E2E_DAEMON ]] && break
        sleep 0.05
    done
    [[ -n $E2E_DAEMON ]] || zw_fail "zonewarden run did not start"
    E2E_DAEMON_SEEN=0
    zw_log "zonewarden run: pid $E2E_DAEMON"
}

# The daemon's moves (record transitions, publications, registrar answers) into the test
# output as they happen: the lines of daemon.log not shown yet, without the "waiting"
# chatter. Called while waiting on the daemon and when it stops; all of it is also kept in
# daemon-all.log (zw_start truncates daemon.log at each start).
e2e__daemon_show() {
    local log=$ZW_TMP/daemon.log n
    [[ -f $log ]] || return 0
    n=$(wc -l <"$log")
    ((n > E2E_DAEMON_SEEN)) || return 0
    sed -n "$((E2E_DAEMON_SEEN + 1)),${n}p" "$log" | tee -a "$E2E_DIR/daemon-all.log" |
        grep -v -e 'settled or waiting' -e 'waiting for a live check' | sed 's/^/  [zonewarden run] /' >&2 || true
    E2E_DAEMON_SEEN=$n
}

e2e_daemon_kill() { # SIGKILL the daemon itself (not timeout), then reap timeout
    kill -KILL "$E2E_DAEMON" 2>/dev/null || true
    # timeout re-raises the child's SIGKILL on itself; reap it here, quietly.
    wait "$ZW_PID_daemon" 2>/dev/null || true
    zw_stop daemon
    e2e__daemon_show
}

e2e_daemon_stop() { # SIGTERM: it must stop cleanly with 0
    local rc=0 n
    kill -TERM "$E2E_DAEMON" 2>/dev/null || true
    for ((n = 0; n < 100; n++)); do
        kill -0 "$E2E_DAEMON" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$E2E_DAEMON" 2>/dev/null && zw_fail "zonewarden run ignored SIGTERM for 10 s"
    wait "$ZW_PID_daemon" || rc=$?
    zw_stop daemon
    e2e__daemon_show
    [[ $rc == 0 ]] || zw_fail "zonewarden run exited $rc on SIGTERM"
}

e2e_wait_daemon() { # SECONDS ZONE=EXPR...: poll status (a reader) while the daemon works
    local limit=$1 start=$SECONDS n=0
    shift
    while ((SECONDS - start < limit && n < limit * 4)); do
        n=$((n + 1))
        kill -0 "$E2E_DAEMON" 2>/dev/null || zw_fail "zonewarden run died: $(tail -n 5 "$ZW_TMP/daemon.log")"
        e2e__daemon_show
        e2e_status
        e2e__conditions_hold "$@" && return 0
        sleep 0.25
    done
    zw_fail "the daemon did not reach $* within $limit s: $(tail -n 5 "$ZW_TMP/daemon.log")"
}

# --- keys and timing -------------------------------------------------------------------

e2e_tags() { # ZONE ROLE: tags of that role's keys whose goal is omnipresent, space separated
    e2e_get "$1" "' '.join(str(t) for t in tags('$2', 'omnipresent'))"
}

# Done when the zone is secure and settled, none of OLD is in the DNSKEY, DS or CDS set
# any more, and a key of ROLE is there instead.
e2e_rolled_expr() { # ROLE "OLD TAGS"
    local old
    old=$(tr ' ' ',' <<<"$2")
    echo "$E2E_SECURE and len(tags('$1', 'omnipresent')) >= 1 and not set([$old]) & set(z['published']['dnskey'] + z['published']['ds'] + z['published']['cds'])"
}

# An upper bound for a request on the loopback hierarchy, from the policy of lib.sh and the
# world's delays, phase by phase as tests/unit/rollover/liveness_bound.h states them: each
# phase is its RFC 7583 wait plus the time until a tick sees the change at every server,
#   key-in/out = Dc + Dprp + TTLkey + publish/retire-safety      (DNSKEY and its RRSIG)
#   sig-in/out = Dc + Dprp + TTLsig + publish/retire-safety      (zone signatures, Dsgn 0)
#   ds-in/out  = Dp + DprpP + TTLds + publish/retire-safety
#   Dc = the longest round of the tick loop so far (E2E_ROUND_MAX: the publish hook reloads
#        the servers within the pass, so the next tick sees the change)
#   Dp = Dc + E2E_DREG, the registrar's own delay (0 for RFC 2136; the OVH simulator's task
#        takes 1 s and is polled every 1 s: 2 s)
e2e_upper_bound() { # PHASE... : prints "SECONDS FORMULA"
    local dc=${E2E_ROUND_MAX:-0} dp p total=0 formula="" v
    dp=$(awk -v a="$dc" -v b="${E2E_DREG:-0}" 'BEGIN { print a + b }')
    for p in "$@"; do
        case $p in
            key-in) v=$(awk -v d="$dc" "BEGIN { print d + $E2E_DPRP + $E2E_DNSKEY_TTL + $E2E_PUBLISH_SAFETY }") ;;
            key-out) v=$(awk -v d="$dc" "BEGIN { print d + $E2E_DPRP + $E2E_DNSKEY_TTL + $E2E_RETIRE_SAFETY }") ;;
            sig-in) v=$(awk -v d="$dc" "BEGIN { print d + $E2E_DPRP + $E2E_ZONE_TTL + $E2E_PUBLISH_SAFETY }") ;;
            sig-out) v=$(awk -v d="$dc" "BEGIN { print d + $E2E_DPRP + $E2E_ZONE_TTL + $E2E_RETIRE_SAFETY }") ;;
            ds-in) v=$(awk -v d="$dp" "BEGIN { print d + $E2E_DPRP_PARENT + $E2E_DS_TTL + $E2E_PUBLISH_SAFETY }") ;;
            ds-out) v=$(awk -v d="$dp" "BEGIN { print d + $E2E_DPRP_PARENT + $E2E_DS_TTL + $E2E_RETIRE_SAFETY }") ;;
            *) zw_fail "unknown phase $p" ;;
        esac
        total=$(awk -v a="$total" -v b="$v" 'BEGIN { print a + b }')
        formula+="${formula:+ + }$p $v"
    done
    echo "$total $formula"
}

# e2e_check_bound LABEL SECONDS PHASE...: the measured time against the upper bound of those
# phases (Dc = the longest tick round measured, E2E_ROUND_MAX); fails beyond it.
e2e_check_bound() {
    local label=$1 wall=$2 bound formula line
    shift 2
    read -r bound formula <<<"$(e2e_upper_bound "$@")"
    line=$(awk -v l="$label" -v w="$wall" -v b="$bound" -v f="$formula" -v r="$E2E_ROUND_MAX" \
        'BEGIN { printf "%s: %.1f s wall, bound %.1f s (%s; longest tick round %.1f s), %.0f%% of it", l, w, b, f, r, 100 * w / b }')
    echo "BOUND $line"
    echo "$line" >>"$E2E_DIR/timings.txt"
    awk -v w="$wall" -v b="$bound" 'BEGIN { exit !(w <= b) }' || zw_fail "$label took longer than its bound: $line"
}

# RFC 7583 lower bound of one rollover for the policies of lib.sh: the sum of the waits on
# its critical path, with the intervals of docs/rollover.md ("Gates", time table) and the
# registration delay Dreg taken as 0 (the loopback parent applies an update at once).
e2e_lower_bound() { # METHOD: prints "SECONDS FORMULA"
    local ipubc=$((E2E_DPRP + E2E_DNSKEY_TTL + E2E_PUBLISH_SAFETY))
    local iretc=$((E2E_DPRP + E2E_DNSKEY_TTL + E2E_RETIRE_SAFETY))
    local ipubp=$((E2E_DPRP_PARENT + E2E_DS_TTL + E2E_PUBLISH_SAFETY))
    local iretp=$((E2E_DPRP_PARENT + E2E_DS_TTL + E2E_RETIRE_SAFETY))
    local isig=$((E2E_DPRP + E2E_ZONE_TTL + E2E_PUBLISH_SAFETY))
    local max_pc=$((ipubc > ipubp ? ipubc : ipubp)) max_rp=$((iretp > iretc ? iretp : iretc))
    case $1 in
        # §3.3.2: new DS (IpubP), then the DNSKEY swap (IpubC), then the old DS goes (IretP).
        double-ds) echo "$((ipubp + ipubc + iretp)) IpubP $ipubp + IpubC $ipubc + IretP $iretp" ;;
        # §3.3.1: new DNSKEY (IpubC), DS swap (max IpubP/IretP), old DNSKEY goes (IretC).
        double-ksk) echo "$((ipubc + max_rp + iretc)) IpubC $ipubc + max(IpubP, IretP) $max_rp + IretC $iretc" ;;
        # §3.3.3: DNSKEY and DS together, then both old ones together.
        double-rrset) echo "$((max_pc + max_rp)) max(IpubC, IpubP) $max_pc + max(IretP, IretC) $max_rp" ;;
        # §3.2.1: new DNSKEY (Ipub), new signatures (Iret = Dsgn + Dprp + TTLsig), old DNSKEY goes.
        pre-publication) echo "$((ipubc + isig + iretc)) Ipub $ipubc + Iret $isig + Ipub(retire) $iretc" ;;
        # §3.2.2: DNSKEY and signatures together (max), then the old ones go (max).
        double-signature)
            local isigr=$((E2E_DPRP + E2E_ZONE_TTL + E2E_RETIRE_SAFETY))
            local in=$((ipubc > isig ? ipubc : isig)) out=$((iretc > isigr ? iretc : isigr))
            echo "$((in + out)) max(Ipub, Iret) $in + max(Ipub, Iret)(retire) $out" ;;
        *) zw_fail "no lower bound for $1" ;;
    esac
}

# e2e_report_timing LABEL METHOD SECONDS: prints the measured time against the bound.
e2e_report_timing() {
    local label=$1 method=$2 wall=$3 bound formula
    read -r bound formula <<<"$(e2e_lower_bound "$method")"
    local line
    line=$(awk -v l="$label" -v w="$wall" -v b="$bound" -v f="$formula" \
        'BEGIN { printf "%s: %.1f s wall, RFC 7583 lower bound %d s (%s), ratio %.2f", l, w, b, f, w / b }')
    echo "TIMING $line"
    echo "$line" >>"$E2E_DIR/timings.txt"
}

e2e_now() { date +%s.%N; }
e2e_elapsed() { awk -v a="$1" -v b="$(e2e_now)" 'BEGIN { printf "%.1f", b - a }'; }

# Does this zonewarden have the operator commands? (Before they land: skip, 77.)
e2e_require_operator_commands() {
    local c list
    list=$("$ZONEWARDEN" --help 2>&1 | awk '/^Subcommands:/ { f = 1; next } f { print $1 }')
    for c in onboard tick run status rollover offboard; do
        grep -qx "$c" <<<"$list" || zw_skip "this zonewarden has no '$c' command yet"
    done
}

e2e_offline_config() {
    local dns=$1 registrars=$2
    shift 2
    cat <<EOF
state: state.db
key-dir: keys
zones-in: zones
zones-out: signed
publish: "true"
dns: { $dns, trust-anchor: root.ds }
policies:
  p:
    algorithm: ecdsap256sha256
    dnskey-ttl: 1h
    max-zone-ttl: 1h
    propagation-delay: 5m
    ksk: { lifetime: unlimited, method: double-ds }
    zsk: { lifetime: unlimited, method: pre-publication }
    signatures: { validity: 14d, refresh: 5d, jitter: 12h, inception-offset: 1h }
    parent: { propagation-delay: 1h, ds-ttl: 1h }
registrars:
$registrars
EOF
    (($# == 0)) || printf '%s\n' "$@"
}
