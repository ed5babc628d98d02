#!/usr/bin/env bash
# Installs the Debian 12 packages zonewarden builds and tests with, if any is missing.
# Name servers must never start on their own: tests start each with its own config.
set -euo pipefail

packages=(
    cmake g++ make pkg-config ccache
    libldns-dev libssl-dev libboost-dev libyaml-cpp-dev libcurl4-openssl-dev libsqlite3-dev
    libfmt-dev nlohmann-json3-dev libcli11-dev libknot-dev libgtest-dev libgmock-dev
    nsd knot bind9 bind9-utils unbound ldnsutils bind9-dnsutils knot-dnsutils knot-dnssecutils
    python3 time iproute2 openssl
    # the operator's tests: the package (lintian, dpkg-shlibdeps), the man page, the
    # status page in a browser, /metrics through promtool
    lintian dpkg-dev man-db groff-base chromium prometheus
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root (sudo $0)" >&2
    exit 2
fi
echo "install-deps: installing ${missing[*]}" >&2
# policy-rc.d exiting 101 stops dpkg from starting the name servers it installs.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Some packages start their daemon despite the policy on some images; stop them.
for svc in nsd knot named unbound; do
    pkill -x "$svc" 2>/dev/null || true
done
