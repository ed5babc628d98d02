#!/usr/bin/env bash
# The last line of defence (app/pass_guard.h): an exception thrown while one zone's pass
# runs fails that zone's pass with exit 4 and a message naming it; the other zones' passes
# still run, under `tick` and under `run`, and the daemon lives on to its next wakes.
#
# The exception comes from a real input, not a test hook: alpha.test.'s signed output is
# replaced by a symbolic link to itself. On the next pass, with the unsigned input
# unchanged, the publisher asks std::filesystem::exists() about that file, which throws
# filesystem_error for ELOOP ("Too many levels of symbolic links"; only ENOENT and ENOTDIR
# count as "absent"). Should that call stop throwing, this test fails on its first check
# and wants another input that throws inside a pass (the unit test
# PassGuard.AnExceptionFailsThatZoneWithExit4AndTheOthersGoOn covers the guard itself).
#
# No name server runs: the resolver is a loopback address nothing listens on, so every live
# check fails fast (beta.test. exits 3 each pass); that is not what is tested here.
#   pass_guard_test.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=steps.sh
source "$here/steps.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init e2e-pass-guard
e2e_require_operator_commands
zw_addr
resolver=$ZW_LAST_ADDR
d=$ZW_TMP
mkdir -p "$d/zones"
for z in alpha beta; do
    cat >"$d/zones/$z.test.zone" <<EOF
\$TTL 60
@ IN SOA ns1.$z.test. hostmaster.$z.test. 1 60 60 600 60
@ IN NS ns1.$z.test.
ns1 IN A 192.0.2.1
www IN A 192.0.2.2
EOF
done
echo '. 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D' >"$d/root.ds"
e2e_offline_config "resolver: $resolver, timeout: 1s, attempts: 1" "  by-hand: { type: manual }" \
    "daemon: { max-sleep: 1s }" >"$d/zw.yaml"
zw() { "$ZONEWARDEN" --config "$d/zw.yaml" "$@"; }

for z in alpha beta; do
    rc=0
    zw onboard "$z.test." --tenant "$z" --policy p --registrar by-hand >"$d/onboard-$z.out" 2>&1 || rc=$?
    [[ -s $d/signed/$z.test.zone ]] || zw_fail "onboard $z.test. (exit $rc) published nothing: $(tail -n 5 "$d/onboard-$z.out")"
done
zw_log "both zones onboarded and published; alpha.test.'s output becomes a link to itself"
rm "$d/signed/alpha.test.zone"
ln -s alpha.test.zone "$d/signed/alpha.test.zone"

# check_pass FILE [N]: at least N times (default 1), alpha.test.'s pass failed by the guard
# with the filesystem error, and beta.test.'s pass printed after it.
guarded='alpha.test.: error: internal error: the pass stopped on an exception (filesystem error: '
check_pass() {
    python3 - "$1" "${2:-1}" "$guarded" <<'PY'
import sys
lines, want, guarded = open(sys.argv[1]).read().splitlines(), int(sys.argv[2]), sys.argv[3]
seen = 0
for i, line in enumerate(lines):
    if guarded in line and "Too many levels of symbolic links" in line:
        if any(l.startswith("beta.test.: ") or " beta.test.: " in l for l in lines[i + 1:]):
            seen += 1
sys.exit(0 if seen >= want else 1)
PY
}

zw_log "tick: alpha.test. fails with exit 4 and a message, beta.test. still runs"
rc=0
zw tick >"$d/tick.out" 2>&1 || rc=$?
[[ $rc == 4 ]] || zw_fail "tick exited $rc, expected 4: $(cat "$d/tick.out")"
check_pass "$d/tick.out" || zw_fail "no guarded failure of alpha followed by beta's pass: $(cat "$d/tick.out")"

zw_log "run: the same on every wake, and the daemon goes on until SIGTERM"
zw_start daemon "$ZONEWARDEN" --config "$d/zw.yaml" run
for ((n = 0; n < 300; n++)); do # 30 s at most
    check_pass "$ZW_TMP/daemon.log" 3 && break
    kill -0 "$ZW_PID_daemon" 2>/dev/null || zw_fail "the daemon died: $(tail -n 20 "$ZW_TMP/daemon.log")"
    sleep 0.1
done
check_pass "$ZW_TMP/daemon.log" 3 || zw_fail "fewer than 3 wakes with alpha guarded and beta run: $(tail -n 30 "$ZW_TMP/daemon.log")"
kill -TERM "$ZW_PID_daemon"
rc=0
wait "$ZW_PID_daemon" || rc=$?
[[ $rc == 0 ]] || zw_fail "the daemon exited $rc on SIGTERM: $(tail -n 20 "$ZW_TMP/daemon.log")"
grep -q "zonewarden: stopped" "$ZW_TMP/daemon.log" || zw_fail "no clean stop: $(tail -n 20 "$ZW_TMP/daemon.log")"

zw_log "the link removed, alpha.test.'s next pass publishes again: nothing was lost"
rm "$d/signed/alpha.test.zone"
rc=0
zw tick >"$d/tick2.out" 2>&1 || rc=$?
[[ $rc == 3 ]] || zw_fail "tick after the repair exited $rc, expected 3 (no resolver): $(cat "$d/tick2.out")"
! grep -q "internal error" "$d/tick2.out" || zw_fail "still an internal error: $(cat "$d/tick2.out")"
[[ -s $d/signed/alpha.test.zone && ! -L $d/signed/alpha.test.zone ]] || zw_fail "alpha.test. not published again"
zw_log "PASS"
