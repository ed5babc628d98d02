#!/usr/bin/env bash
# The loopback demonstration behind scripts/demo.sh (docs/demo.md): a root, a TLD and two
# tenant zones on real name servers, a validating resolver, a registrar API simulator;
# zonewarden onboards both tenants (one through RFC 2136, one through the simulated OVH
# API), rolls alpha's KSK (double-DS) and beta's ZSK (pre-publication) with policies of
# seconds under `zonewarden run`, while a poller asks the resolver every 0.5 s and counts
# every answer that would have hurt a user. Ends with `zonewarden status`, then stops
# everything it started (by PID). Loopback addresses only; a few minutes.
#   tests/e2e/demo.sh --zonewarden BIN
# ZW_KEEP_TMP=1 keeps the working directory (configuration, state, zones, logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=steps.sh
source "$here/steps.sh"
zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw_init demo
ZW_SERVER_TIMEOUT=1200 # every server ends by itself after 20 minutes at the latest
e2e_require
e2e_require_operator_commands

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. A DNS hierarchy on loopback addresses"
E2E_SIM=ovh
e2e_build
e2e_start
cat <<EOF
  root "."       NSD      $E2E_ROOT     signed once by zonewarden sign
  "lab."         BIND     $E2E_TLD     takes DS updates by RFC 2136 (TSIG)
  "alpha.lab."   NSD      $E2E_ALPHA1     and Knot $E2E_ALPHA2 (tenant alpha, DS by RFC 2136)
  "beta.lab."    NSD      $E2E_BETA     (tenant beta, DS through the OVH API simulator at $E2E_SIM_ADDR)
  resolver       Unbound  $E2E_UNBOUND     validating from the local root's DS
  configuration  $E2E_CONF
EOF
e2e_poller_start alpha.lab. beta.lab.

say "2. Onboard both tenants (unsigned today, insecure delegations)"
e2e_onboard alpha.lab. alpha double-ds lab-update
e2e_onboard beta.lab. beta double-ds lab-ovh

say "3. zonewarden run: DNSKEYs out, wait, DS to the parent, wait: secure"
e2e_daemon_start
t0=$(e2e_now)
e2e_wait_daemon 240 "alpha.lab.=$E2E_SECURE" "beta.lab.=$E2E_SECURE"
zw_log "both tenants secure after $(e2e_elapsed "$t0") s"
e2e_compare alpha.lab.
e2e_compare beta.lab.
zwc status

say "4. A KSK rollover for alpha (double-DS through RFC 2136) and a ZSK rollover for beta"
sleep 8 # let the resolver's caches fill with the secure answers first
a_old=$(e2e_tags alpha.lab. ksk) b_old=$(e2e_tags beta.lab. zsk)
t0=$(e2e_now)
zwq rollover alpha.lab. --ksk
zwq rollover beta.lab. --zsk
e2e_wait_daemon 240 "beta.lab.=$(e2e_rolled_expr zsk "$b_old")"
e2e_report_timing "beta.lab. ZSK pre-publication rollover" pre-publication "$(e2e_elapsed "$t0")"
e2e_wait_daemon 240 "alpha.lab.=$(e2e_rolled_expr ksk "$a_old")"
e2e_report_timing "alpha.lab. KSK double-DS rollover" double-ds "$(e2e_elapsed "$t0")"
e2e_compare alpha.lab.
e2e_compare beta.lab.
sleep 5

say "5. Status"
e2e_daemon_stop
zwc status
zwc keys alpha.lab.

say "6. What a validating resolver saw, every 0.5 s, all along"
e2e_poller_stop secure
cat <<EOF

  alpha.lab. KSK: $a_old -> $(e2e_tags alpha.lab. ksk)     beta.lab. ZSK: $b_old -> $(e2e_tags beta.lab. zsk)
  Zero SERVFAIL, zero timeouts, and every answer carried AD once each DS was at the parent.
  Every server this demo started is stopped as it exits; ZW_KEEP_TMP=1 keeps $ZW_TMP.
EOF
