#!/usr/bin/env bash
# Progress on a terminal: `sign` of a large zone and `onboard` of many zones draw a line on
# stderr with the rate and the time left when stderr is a terminal (script(1) gives them
# one), and draw nothing when it is not: stderr to a file, or stdout on the terminal but
# stderr elsewhere. The onboarded zones' resolver is a loopback address where nothing
# listens, so their first pass ends at once (exit 3, no servers found): this test is about
# what the operator sees while many zones go through.
#   progress_test.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib.sh
source "$here/../integration/lib.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init e2e-progress
zw_require script python3
cd "$ZW_TMP"

# In a pseudo-terminal: both stdout and stderr are the terminal; the typescript keeps all.
on_tty() { # LOG COMMAND
    script -q -e -c "$2" "$1" >/dev/null
}
has_progress() { # FILE PATTERN: a redrawn progress line (carriage return, text) matching
    tr '\r' '\n' <"$1" | grep -E "^zonewarden: $2" >/dev/null
}

# --- sign ----------------------------------------------------------------------------------
"$ZONEWARDEN" keygen --zone big.test --algorithm ecdsap256sha256 --role ksk --key-dir keys >/dev/null
"$ZONEWARDEN" keygen --zone big.test --algorithm ecdsap256sha256 --role zsk --key-dir keys >/dev/null
# shellcheck disable=SC2016 # $TTL is zone file syntax
python3 -c '
print("$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1")
for i in range(50000): print("h%d A 192.0.2.%d" % (i, i % 250 + 1))' >big.zone
sign="$ZONEWARDEN sign --zone-file big.zone --origin big.test. --key-dir keys --out big.signed --threads 2"
on_tty sign-tty.log "$sign" || zw_fail "sign on a terminal failed: $(tail -n 3 sign-tty.log)"
has_progress sign-tty.log 'signing big\.test\.: [0-9,]+/100,006 signatures \([0-9]+%\), [0-9,.]+/s, (about [0-9hms]+|under a second) left' ||
    zw_fail "no signing progress with rate and time left on the terminal: $(tr '\r' '\n' <sign-tty.log | head -n 5)"
has_progress sign-tty.log 'checking big\.test\.: [0-9,]+/50,00[0-9] names' || zw_fail "no self-check progress"
grep -q 'signed big.test. serial' sign-tty.log || zw_fail "no summary after the progress"
# The line is cleared before the summary: erase-line, then the first summary line (the
# self-check's, or the signing summary).
tr '\r' '\n' <sign-tty.log | grep -E $'^\e\\[K(self-check: |signed big.test.)' >/dev/null ||
    zw_fail "the progress line was not cleared"
zw_log "sign on a terminal: $(tr '\r' '\n' <sign-tty.log | grep -c '^zonewarden: ') progress redraws"

rm -f big.signed
$sign >sign.out 2>sign.err || zw_fail "sign to files failed: $(cat sign.err)"
[[ ! -s sign.err ]] || zw_fail "stderr to a file got output: $(head -c 300 sign.err | cat -v)"
on_tty sign-split.log "$sign 2>sign-split.err" || zw_fail "sign with stderr to a file failed"
[[ ! -s sign-split.err ]] || zw_fail "stderr to a file (stdout on a terminal) got progress: $(head -c 300 sign-split.err | cat -v)"
! has_progress sign-split.log 'signing' || zw_fail "progress on stdout"
on_tty sign-dumb.log "TERM=dumb $sign" || zw_fail "sign with TERM=dumb failed"
! has_progress sign-dumb.log 'signing' || zw_fail "progress on a dumb terminal"
zw_log "sign: no progress with stderr in a file, nor on a dumb terminal"

# --- onboard of many zones -------------------------------------------------------------------
zw_addr
mkdir -p zones-in
for i in $(seq 1 24); do
    # shellcheck disable=SC2016 # $TTL is zone file syntax
    printf '$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n' >"zones-in/z$i.test.zone"
    echo "z$i.test. tenant-$((i % 4))"
done >zones.list
cat >zw.yaml <<YAML
state: state.db
key-dir: keys
zones-in: zones-in
zones-out: signed
publish: "true"
threads: 1
dns: { resolver: "$ZW_LAST_ADDR", timeout: 1s, attempts: 1 }
policies: { default: { dnskey-ttl: 10s } }
registrars: { by-hand: { type: manual } }
YAML
rc=0
on_tty onboard-tty.log "$ZONEWARDEN --config zw.yaml onboard --zones-from zones.list" || rc=$?
[[ $rc == 3 ]] || zw_fail "onboard exited $rc, not 3 (no servers to be found): $(tail -n 3 onboard-tty.log)"
[[ $(grep -c 'onboarded for tenant' onboard-tty.log) == 24 ]] || zw_fail "not every zone was onboarded"
has_progress onboard-tty.log 'onboarding zones: [0-9]+/24 zones \([0-9]+%\), [0-9.,]+/s, (about [0-9hms]+|under a second) left' ||
    zw_fail "no onboarding progress: $(tr '\r' '\n' <onboard-tty.log | grep zonewarden: | head -n 3)"
# Every output line is whole: the progress line never runs into one of them.
if tr '\r' '\n' <onboard-tty.log | grep -E '^zonewarden: onboarding.*[a-z0-9]\.test\.: '; then
    zw_fail "a zone's output was written into the progress line"
fi
zw_log "onboard of 24 zones on a terminal: $(tr '\r' '\n' <onboard-tty.log | grep -c '^zonewarden: onboarding') progress redraws"
rm -rf state.db* keys signed
rc=0
"$ZONEWARDEN" --config zw.yaml onboard --zones-from zones.list >onboard.out 2>onboard.err || rc=$?
[[ $rc == 3 ]] || zw_fail "onboard to files exited $rc"
! grep -q $'\r' onboard.err onboard.out || zw_fail "a carriage return in the output to files"
! grep -q 'onboarding zones' onboard.err || zw_fail "progress in stderr to a file"
zw_log "PASS"
