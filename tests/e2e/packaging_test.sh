#!/usr/bin/env bash
# packaging/: the systemd units pass `systemd-analyze verify` without a single complaint
# (it exits 0 on unknown values, so any output fails) and `systemd-analyze security`
# rates their hardening at most 2.5 ("OK" or better); the documented configuration
# example is accepted by `zonewarden status` once its paths point into a temp dir.
# (deb_test.sh installs the package and runs the example for real.)
#   packaging_test.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$here/../../packaging
# shellcheck source=../integration/lib.sh
source "$here/../integration/lib.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init e2e-packaging
checked=0

if command -v systemd-analyze >/dev/null; then
    # ExecStart must exist for verify: point the units at the binary under test.
    mkdir -p "$ZW_TMP/units"
    for f in "$pkg"/*.service "$pkg"/*.timer; do
        sed "s|/usr/bin/zonewarden|$ZONEWARDEN|" "$f" >"$ZW_TMP/units/$(basename "$f")"
    done
    # Documentation=man:zonewarden(8) is checked with man(1): the page the build wrote.
    mkdir -p "$ZW_TMP/man/man8"
    cp "$(dirname "$ZONEWARDEN")/zonewarden.8" "$ZW_TMP/man/man8/" || zw_fail "no zonewarden.8 beside $ZONEWARDEN"
    (cd "$ZW_TMP/units" && MANPATH=$ZW_TMP/man systemd-analyze verify ./*.service ./*.timer) >"$ZW_TMP/verify.out" 2>&1 ||
        zw_fail "systemd-analyze verify: $(cat "$ZW_TMP/verify.out")"
    [[ -s $ZW_TMP/verify.out ]] && zw_fail "systemd-analyze verify complains: $(cat "$ZW_TMP/verify.out")"
    # shellcheck disable=SC2016 # a literal $MAINPID
    grep -q '^ExecReload=/bin/kill -HUP \$MAINPID' "$pkg/zonewarden-daemon.service" || zw_fail "daemon: no SIGHUP reload"
    grep -q '^ExecStart=.* tick$' "$pkg/zonewarden.service" || zw_fail "service: not a tick"
    grep -q '^Persistent=true' "$pkg/zonewarden.timer" || zw_fail "timer: not persistent"
    zw_log "systemd-analyze verify: the three units are clean"
    for unit in zonewarden.service zonewarden-daemon.service; do
        (cd "$ZW_TMP/units" && systemd-analyze security --offline=true --threshold=25 "./$unit") \
            >"$ZW_TMP/security.out" 2>&1 || zw_fail "systemd-analyze security $unit: $(tail -n 3 "$ZW_TMP/security.out")"
        zw_log "systemd-analyze security $unit: $(grep -o 'Overall exposure level.*' "$ZW_TMP/security.out")"
    done
    checked=$((checked + 1))
else
    zw_log "systemd-analyze not installed: units not verified"
fi

if "$ZONEWARDEN" --help 2>&1 | awk '/^Subcommands:/ { f = 1; next } f { print $1 }' | grep -x status >/dev/null; then
    d=$ZW_TMP/etc
    mkdir -p "$d/zones"
    # Every absolute path of the example, moved below the temp dir; the files it names exist.
    sed -e "s|/var/lib/zonewarden|$ZW_TMP/var|g" -e "s|/etc/zonewarden|$d|g" \
        -e "s|/usr/share/dns/root.ds|$d/root.ds|" -e "s|/usr/local/bin/|$d/|g" \
        "$pkg/zonewarden.yaml.example" >"$d/zonewarden.yaml"
    echo '. 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D' >"$d/root.ds"
    tsig-keygen -a hmac-sha256 zw-update >"$d/tsig.key" 2>/dev/null || printf 'key "zw-update" { algorithm hmac-sha256; secret "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"; };\n' >"$d/tsig.key"
    echo "token" >"$d/gandi.token"
    printf '#!/bin/sh\nexit 0\n' >"$d/push-ds"
    printf '#!/bin/sh\ncat >/dev/null\n' >"$d/page-dns-team"
    chmod 600 "$d/tsig.key" "$d/gandi.token"
    chmod 755 "$d/push-ds" "$d/page-dns-team"
    export ZW_OVH_CREDENTIALS='{"application_key":"a","application_secret":"b","consumer_key":"c"}'
    # A first pass with no zone yet (what the timer does on a fresh install), then status.
    for cmd in tick "status --json"; do
        rc=0
        # shellcheck disable=SC2086 # cmd is two words on purpose
        "$ZONEWARDEN" --config "$d/zonewarden.yaml" $cmd >"$ZW_TMP/out.json" 2>"$ZW_TMP/err" || rc=$?
        [[ $rc == 0 ]] || zw_fail "the example configuration: $cmd exited $rc: $(cat "$ZW_TMP/err")"
    done
    mv "$ZW_TMP/out.json" "$ZW_TMP/status.json"
    python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); assert s["schema"] == 1 and s["zones"] == [], s' \
        "$ZW_TMP/status.json" || zw_fail "status of the example: $(cat "$ZW_TMP/status.json")"
    # A misspelt field must be refused with file:line (the example is not accepted by accident).
    sed 's/^notify-after:/notify-aftr:/' "$d/zonewarden.yaml" >"$d/bad.yaml"
    rc=0
    "$ZONEWARDEN" --config "$d/bad.yaml" status >/dev/null 2>"$ZW_TMP/bad.err" || rc=$?
    if [[ $rc != 2 ]] || ! grep -q 'bad.yaml:[0-9]' "$ZW_TMP/bad.err"; then
        zw_fail "a misspelt field: exit $rc, $(cat "$ZW_TMP/bad.err")"
    fi
    zw_log "the configuration example loads (status --json: no zones); a misspelt field is refused"
    checked=$((checked + 1))
else
    zw_log "this zonewarden has no status command yet: the configuration example is not loaded"
fi
((checked > 0)) || zw_skip "neither systemd-analyze nor the status command is available"
zw_log "PASS"
