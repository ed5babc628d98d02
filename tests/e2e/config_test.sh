#!/usr/bin/env bash
# The configuration is checked whole when it is loaded (docs/operations.md: "Unknown fields
# are errors", "Every error names file:line and the field"): a misspelt registrar setting
# must stop the first `tick`, with exit 2 and file:line, not wait until a zone first hands
# that registrar a DS set (which may be days into its onboarding). No server is needed.
#   config_test.sh --zonewarden BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=steps.sh
source "$here/steps.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init e2e-config
e2e_require_operator_commands
d=$ZW_TMP
mkdir -p "$d/zones"
tsig-keygen -a hmac-sha256 zw-update >"$d/tsig.key"
chmod 600 "$d/tsig.key"
echo '. 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D' >"$d/root.ds"
config() { e2e_offline_config "resolver: 127.0.0.1" "$1"; } # REGISTRAR-LINE

run() { # FILE: exit code of `tick`, output in $d/out
    local rc=0
    "$ZONEWARDEN" --config "$1" tick >"$d/out" 2>&1 || rc=$?
    echo "$rc"
}

config "  lab: { type: rfc2136, server: 192.0.2.53, tsig-key-file: tsig.key, ds-ttl: 3600 }" >"$d/good.yaml"
[[ $(run "$d/good.yaml") == 0 ]] || zw_fail "a correct configuration: $(cat "$d/out")"
zw_log "a correct configuration loads"

for bad in "tsig-key-fil: tsig.key" "ds-ttl: 1h" "verify: false"; do
    config "  lab: { type: rfc2136, server: 192.0.2.53, tsig-key-file: tsig.key, $bad }" >"$d/bad.yaml"
    rc=$(run "$d/bad.yaml")
    if [[ $rc != 2 ]] || ! grep -q 'bad.yaml:[0-9]' "$d/out"; then
        zw_fail "registrar setting '$bad' accepted at load: tick exited $rc ($(head -c 300 "$d/out")); expected 2 with bad.yaml:LINE"
    fi
    zw_log "refused at load: $bad: $(head -n 1 "$d/out")"
done
zw_log "PASS"
