#!/usr/bin/env bash
# Installs the Debian 12 packages zonewarden builds and tests with, if any is missing.
#
# The host is left as it was, but for the new packages:
# - a name server or other daemon installed here never starts: a policy-rc.d that refuses
#   every start is in place only while apt runs (one the host already has is left alone),
#   and the boot-time units of the packages installed here are disabled;
# - nothing that was already running is stopped, and nothing already installed changes.
set -euo pipefail
zw_self=$(realpath "$0")
cd "$(dirname "$zw_self")/.."
. scripts/as-root.sh

packages=(
    # build
    cmake g++ make pkg-config ccache clang clang-format
    libldns-dev libssl-dev nettle-dev libboost-dev libyaml-cpp-dev libcurl4-openssl-dev
    libsqlite3-dev libfmt-dev nlohmann-json3-dev libcli11-dev libknot-dev libgtest-dev
    libgmock-dev libfuzzer-14-dev libclang-rt-14-dev
    # the name servers, validators and tools the tests run on loopback
    nsd knot bind9 bind9-utils unbound ldnsutils bind9-dnsutils knot-dnsutils
    knot-dnssecutils python3 python3-dnspython time iproute2 openssl util-linux
    # DANE and ACME: Let's Encrypt's test CA, an ACME client, a mail server
    pebble certbot postfix
    # the operator's tools: status page, metrics, packaging (dpkg-shlibdeps), man page
    chromium prometheus lintian dpkg-dev man-db groff-base
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
zw_as_root "$@"
echo "install-deps: installing ${missing[*]}" >&2

policy=/usr/sbin/policy-rc.d
own_policy=0
restore() {
    if [ "$own_policy" -eq 1 ]; then
        rm -f "$policy"
    fi
}
trap restore EXIT
if [ ! -e "$policy" ]; then
    # Exit 101 ("action forbidden") tells invoke-rc.d and deb-systemd-invoke not to start
    # or restart anything while the packages are configured.
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
# Postfix asks how it should deliver mail; the tests run their own instance with their own
# configuration, so the system one gets none.
if printf '%s\n' "${missing[@]}" | grep -qx postfix; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Units that the new packages enabled for boot are disabled again: an administrator's
# `systemctl disable`, which package upgrades respect. Packages that were installed before
# are not touched.
for p in "${missing[@]}"; do
    { dpkg-query -L "$p" 2>/dev/null || true; } |
        { grep -E '^/lib/systemd/system/[^/@]+\.(service|socket|timer)$' || true; } |
        while read -r unit; do
            name=${unit##*/}
            if [ "$(systemctl is-enabled "$name" 2>/dev/null)" = enabled ]; then
                systemctl disable --quiet "$name" 2>/dev/null &&
                    echo "install-deps: $name (new) will not start at boot" >&2
            fi
        done
done
