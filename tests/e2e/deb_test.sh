#!/usr/bin/env bash
# The Debian package on this machine, from build to purge:
#   - cpack builds zonewarden_VERSION_ARCH.deb from the build tree; lintian finds no error
#     (its warnings and notes are printed);
#   - dpkg -i installs it: the binary, units, man page, completion and example are in
#     place, the zonewarden system user and /var/lib/zonewarden (0750), /etc/zonewarden
#     exist, nothing was started or enabled;
#   - the installed binary, as the zonewarden user, runs the example configuration
#     (/etc/zonewarden/zonewarden.yaml): tick, status --json, report --html, and `run` with
#     its HTTP endpoint on a loopback address, scraped and checked by promtool;
#   - dpkg --purge removes every file it made; the zonewarden user stays (Debian keeps
#     system accounts, postrm says why), without a login shell.
# Only as root, and only where no zonewarden is installed already (skips, 77); runs of it
# from several worktrees take turns on a lock.
#   deb_test.sh --build-dir DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=""
[[ ${1:-} == --build-dir ]] && BUILD=$2
# shellcheck source=../integration/lib.sh
source "$here/../integration/lib.sh"
zw_init e2e-deb
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || zw_fail "--build-dir must be a configured build tree"
[[ -f $BUILD/CPackConfig.cmake ]] || zw_fail "--build-dir must be a configured build tree"
[[ $(id -u) == 0 ]] || zw_skip "installs a package: needs root"
zw_require cpack dpkg dpkg-deb lintian curl promtool setpriv flock man
exec 8>>/tmp/zonewarden-deb-test.lock
flock -w 900 8 || zw_fail "another deb_test.sh held the lock for 15 minutes"
if dpkg-query -W -f='${Status}' zonewarden 2>/dev/null | grep installed >/dev/null ||
    [[ -e /etc/zonewarden || -e /var/lib/zonewarden || -e /usr/bin/zonewarden ]]; then
    zw_skip "zonewarden is installed on this machine already; the test does not touch an installation"
fi

installed=0
deb_cleanup() {
    if [[ $installed == 1 ]]; then
        zw_log "cleaning up: purging the package"
        dpkg --purge zonewarden >/dev/null 2>&1 || true
    fi
}
trap 'rc=$?; deb_cleanup; zw__cleanup $rc' EXIT

# dpkg waits for no one: retry while another dpkg or apt holds its lock (bounded).
dpkg_retry() {
    local n out
    for ((n = 0; n < 60; n++)); do
        if out=$(dpkg "$@" 2>&1); then
            printf '%s\n' "$out" >>"$ZW_TMP/dpkg.log"
            return 0
        fi
        printf '%s\n' "$out" >>"$ZW_TMP/dpkg.log"
        grep -q 'lock' <<<"$out" || return 1
        sleep 1
    done
    return 1
}

# Every file and directory where a package could leave something, dpkg's own bookkeeping
# of transient files aside.
snapshot() {
    find /usr /lib/systemd /etc /var/lib /var/cache/man /opt -xdev 2>/dev/null |
        grep -v -e '^/var/lib/dpkg/.*-old$' -e '^/var/lib/dpkg/triggers/' -e '^/var/lib/dpkg/updates/' \
            -e '^/var/lib/dpkg/lock' -e '^/var/cache/man/.*\.db' -e '^/var/lib/apt/' -e '^/var/lib/dhcp/' | sort
}

# --- build and lint -------------------------------------------------------------------
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$BUILD/CPackConfig.cmake")
[[ -n $version ]] || zw_fail "no CPACK_PACKAGE_VERSION in $BUILD/CPackConfig.cmake"
(cd "$ZW_TMP" && cpack --config "$BUILD/CPackConfig.cmake" -B "$ZW_TMP/pkg") >"$ZW_TMP/cpack.log" 2>&1 ||
    zw_fail "cpack: $(tail -n 20 "$ZW_TMP/cpack.log")"
deb=$(find "$ZW_TMP/pkg" -maxdepth 1 -name "zonewarden_${version}_*.deb" | head -n 1)
[[ -n $deb ]] || zw_fail "cpack made no zonewarden_${version}_*.deb: $(ls "$ZW_TMP/pkg")"
zw_log "built $(basename "$deb") ($(du -k "$deb" | cut -f1) kB)"
dpkg-deb --info "$deb" >"$ZW_TMP/info.txt"
grep -q "^ Package: zonewarden$" "$ZW_TMP/info.txt" || zw_fail "package name: $(cat "$ZW_TMP/info.txt")"
grep -q "^ Version: $version$" "$ZW_TMP/info.txt" || zw_fail "package version is not $version"
grep -q "^ Depends: .*adduser" "$ZW_TMP/info.txt" || zw_fail "no dependency on adduser (postinst uses it)"
dpkg-deb --contents "$deb" >"$ZW_TMP/contents.txt"
for f in ./usr/bin/zonewarden ./lib/systemd/system/zonewarden.service ./lib/systemd/system/zonewarden-daemon.service \
    ./lib/systemd/system/zonewarden.timer ./usr/share/man/man8/zonewarden.8.gz \
    ./usr/share/bash-completion/completions/zonewarden ./usr/share/doc/zonewarden/examples/zonewarden.yaml \
    ./usr/share/doc/zonewarden/copyright ./usr/share/doc/zonewarden/changelog.gz; do
    grep -q " $f$" "$ZW_TMP/contents.txt" || zw_fail "the package lacks $f"
done
# Starting or restarting anything is the operator's decision, never the package's.
mkdir "$ZW_TMP/control"
dpkg-deb --control "$deb" "$ZW_TMP/control"
if grep -l -E 'systemctl|deb-systemd|invoke-rc\.d|service ' "$ZW_TMP"/control/post* "$ZW_TMP"/control/pre* 2>/dev/null; then
    zw_fail "a maintainer script starts or enables something"
fi

lintian_rc=0
lintian --fail-on error --display-info --tag-display-limit 0 "$deb" >"$ZW_TMP/lintian.out" 2>&1 || lintian_rc=$?
echo "LINTIAN $(basename "$deb"): $(grep -c '' "$ZW_TMP/lintian.out") lines, exit $lintian_rc"
sed 's/^/  lintian: /' "$ZW_TMP/lintian.out" >&2
[[ $lintian_rc == 0 ]] || zw_fail "lintian reports errors (exit $lintian_rc)"
! grep -q '^E: ' "$ZW_TMP/lintian.out" || zw_fail "lintian: $(grep '^E: ' "$ZW_TMP/lintian.out")"

# --- install ----------------------------------------------------------------------------
user_before=$(getent passwd zonewarden || true)
snapshot >"$ZW_TMP/before.txt"
installed=1
dpkg_retry -i "$deb" || zw_fail "dpkg -i: $(tail -n 20 "$ZW_TMP/dpkg.log")"
[[ $(dpkg-query -W -f='${Status} ${Version}' zonewarden) == "install ok installed $version" ]] ||
    zw_fail "dpkg does not show zonewarden $version installed"
[[ $(/usr/bin/zonewarden --version) == "zonewarden $version" ]] || zw_fail "the installed binary's version"
IFS=: read -r _ _ uid _ _ home shell <<<"$(getent passwd zonewarden)"
((uid < 1000)) || zw_fail "zonewarden is not a system user (uid $uid)"
[[ $home == /var/lib/zonewarden && $shell == /usr/sbin/nologin ]] || zw_fail "zonewarden user: home $home, shell $shell"
[[ $(stat -c '%a %U %G' /var/lib/zonewarden) == "750 zonewarden zonewarden" ]] ||
    zw_fail "/var/lib/zonewarden: $(stat -c '%a %U %G' /var/lib/zonewarden)"
[[ $(stat -c '%a %U %G' /etc/zonewarden) == "750 root zonewarden" ]] ||
    zw_fail "/etc/zonewarden: $(stat -c '%a %U %G' /etc/zonewarden)"
grep -q '^ExecStart=/usr/bin/zonewarden ' /lib/systemd/system/zonewarden.service ||
    zw_fail "the installed unit does not run /usr/bin/zonewarden"
if compgen -G "/etc/systemd/system/*/zonewarden*" >/dev/null; then
    zw_fail "installing enabled a unit: $(ls /etc/systemd/system/*/zonewarden*)"
fi
MANWIDTH=100 man -l /usr/share/man/man8/zonewarden.8.gz 2>"$ZW_TMP/man.err" | grep 'EXIT STATUS' >/dev/null ||
    zw_fail "man -l cannot show the installed page: $(cat "$ZW_TMP/man.err")"
bash -c 'source /usr/share/bash-completion/completions/zonewarden && complete -p zonewarden' >/dev/null ||
    zw_fail "the bash completion does not load"
zw_log "installed: $(dpkg-query -W -f='${Package} ${Version} ${Installed-Size} kB' zonewarden), user uid $uid"

# --- the installed binary on the example configuration, as the zonewarden user -----------
zw_addr
http=$ZW_LAST_ADDR
cfg=/etc/zonewarden/zonewarden.yaml
# The example names programs in /usr/local/bin (hooks, a registrar's script) that the test
# puts below its temp dir instead, and listens on loopback: here on the test's address.
mkdir -p "$ZW_TMP/bin"
printf '#!/bin/sh\nexit 0\n' >"$ZW_TMP/bin/push-ds"
printf '#!/bin/sh\ncat >/dev/null\n' >"$ZW_TMP/bin/page-dns-team"
chmod 755 "$ZW_TMP" "$ZW_TMP/bin" "$ZW_TMP/bin/push-ds" "$ZW_TMP/bin/page-dns-team"
sed -e "s|/usr/local/bin/|$ZW_TMP/bin/|g" -e "s|^  listen: 127.0.0.1$|  listen: $http|" \
    /usr/share/doc/zonewarden/examples/zonewarden.yaml >"$cfg"
grep -q "listen: $http" "$cfg" || zw_fail "the example has no http section on 127.0.0.1"
tsig-keygen -a hmac-sha256 zw-update >/etc/zonewarden/tsig.key 2>/dev/null ||
    printf 'key "zw-update" { algorithm hmac-sha256; secret "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"; };\n' \
        >/etc/zonewarden/tsig.key
echo token >/etc/zonewarden/gandi.token
chown zonewarden:zonewarden /etc/zonewarden/tsig.key /etc/zonewarden/gandi.token
chmod 600 /etc/zonewarden/tsig.key /etc/zonewarden/gandi.token
chgrp zonewarden "$cfg" && chmod 640 "$cfg"
# The example's OVH registrar takes its credentials from the environment.
as_zonewarden=(setpriv --reuid=zonewarden --regid=zonewarden --init-groups --reset-env
    env 'ZW_OVH_CREDENTIALS={"application_key":"a","application_secret":"b","consumer_key":"c"}')
as_user() { "${as_zonewarden[@]}" "$@"; }
for cmd in tick "status --json" "report --html /var/lib/zonewarden/status.html"; do
    rc=0
    # shellcheck disable=SC2086 # cmd is several words on purpose
    as_user /usr/bin/zonewarden --config "$cfg" $cmd >"$ZW_TMP/out" 2>"$ZW_TMP/err" || rc=$?
    [[ $rc == 0 ]] || zw_fail "installed zonewarden $cmd exited $rc: $(cat "$ZW_TMP/err")"
done
grep -q '<title>zonewarden status</title>' /var/lib/zonewarden/status.html || zw_fail "report --html wrote no page"
[[ $(stat -c %U /var/lib/zonewarden/state.db) == zonewarden ]] || zw_fail "the state database is not the user's"

zw_start daemon "${as_zonewarden[@]}" /usr/bin/zonewarden --config "$cfg" run
for ((n = 0; n < 50; n++)); do
    curl -sf --max-time 2 "http://$http:9857/metrics" >"$ZW_TMP/metrics.txt" 2>/dev/null && break
    sleep 0.2
done
((n < 50)) || zw_fail "the installed daemon does not serve /metrics: $(tail -n 5 "$ZW_TMP/daemon.log")"
promtool check metrics <"$ZW_TMP/metrics.txt" >"$ZW_TMP/promtool.out" 2>&1 ||
    zw_fail "promtool check metrics: $(cat "$ZW_TMP/promtool.out")"
curl -sf --max-time 5 "http://$http:9857/" | grep '<title>zonewarden status</title>' >/dev/null ||
    zw_fail "the installed daemon does not serve the status page"
zw_log "the installed daemon (user zonewarden) serves / and /metrics on $http:9857; promtool check metrics: ok"
zw_stop daemon

# --- purge ------------------------------------------------------------------------------
dpkg_retry --purge zonewarden || zw_fail "dpkg --purge: $(tail -n 20 "$ZW_TMP/dpkg.log")"
installed=0
dpkg-query -W -f='${Status}' zonewarden 2>/dev/null | grep installed >/dev/null && zw_fail "still installed after purge"
snapshot >"$ZW_TMP/after.txt"
# Files another package brought meanwhile (a parallel apt run) are not ours to judge.
left=""
while read -r path; do
    [[ -n $path ]] || continue
    owner=$(dpkg -S "$path" 2>/dev/null | cut -d: -f1 || true)
    [[ -n $owner && $owner != zonewarden ]] && continue
    left+="$path "
done < <(comm -3 "$ZW_TMP/before.txt" "$ZW_TMP/after.txt" | tr -d '\t')
[[ -z $left ]] || zw_fail "purge left or removed: $left"
[[ ! -e /var/lib/zonewarden && ! -e /etc/zonewarden ]] || zw_fail "purge left the state or configuration directory"
# The account stays, as documented in postrm and docs/operations.md.
getent passwd zonewarden | grep ':/usr/sbin/nologin$' >/dev/null || zw_fail "the zonewarden account should stay, without a login"
[[ -n $user_before ]] || zw_log "the zonewarden account stays after purge (Debian keeps system accounts)"
zw_log "purged: the file lists before install and after purge are the same ($(wc -l <"$ZW_TMP/after.txt") paths)"
zw_log "PASS"
