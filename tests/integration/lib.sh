# shellcheck shell=bash
# Shared helpers for zonewarden's integration tests. Source it, then call zw_init.
#
#   zw_init NAME           per-test temp dir ($ZW_TMP); an EXIT/INT/TERM trap stops every
#                          started server by PID and removes every added address, also
#                          when the test fails
#   zw_addr                add a fresh 127.X.Y.Z/32 to lo (flock-protected allocator in
#                          /tmp) and set ZW_LAST_ADDR to it; removed again by the trap
#   zw_start NAME CMD...   start CMD (which must stay in the foreground) in the background
#                          under `timeout` (ZW_SERVER_TIMEOUT, 600 s) so it ends even if
#                          the test is SIGKILLed; PID in $ZW_PID_<NAME>, output in
#                          $ZW_TMP/NAME.log
#   zw_stop NAME           stop it (TERM, at most 5 s, then KILL)
#   zw_wait_dns NAME ADDR QNAME [TYPE]  until ADDR answers at all (50 tries of 0.1 s +
#                          a 1 s query timeout); fails early if NAME died
#   zw_normalize ORIGIN IN OUT  zone file -> one RR per line, absolute names (BIND's loader)
#   zw_require CMD...      skip the test (exit 77) if a tool is missing
#   zw_args "$@"           every test's argument preamble: --zonewarden BIN (or
#                          $ZONEWARDEN) sets ZONEWARDEN to an absolute path, and the test
#                          fails unless it is executable; the other arguments are left, in
#                          order, in ZW_ARGS (then: set -- "${ZW_ARGS[@]}")
#   zw_fail MSG            print "FAIL [test]: MSG" and exit 1;  zw_log MSG: progress
#
# Environment: ZW_KEEP_TMP=1 keeps the temp dir even on success (it is always kept on
# failure, and the servers' logs are printed). Only 127.0.0.0/8 is ever used.

ZW_SKIP=77
# The tests' Python scripts use Debian's packages (python3-dnspython): where the python3
# first in PATH (a pyenv or a venv) lacks them and the system's has them, the system's
# directory goes first.
if ! python3 -c 'import dns.message' 2>/dev/null && /usr/bin/python3 -c 'import dns.message' 2>/dev/null; then
    PATH=/usr/bin:$PATH
fi
ZW_ADDR_STATE=${ZW_ADDR_STATE:-/tmp/zonewarden-itest-addr}
# 127.53.0.0/16 .. 127.62.0.0/16: 10 x 254 x 256 addresses for tests, never 127.0.0.1.
ZW_ADDR_FIRST_NET=53
ZW_ADDR_NETS=10

ZW_TEST=""
ZW_TMP=""
ZW_PIDS=()
ZW_PID_NAMES=()
ZW_ADDRS=()

zw_log() { printf '[%s %s] %s\n' "$ZW_TEST" "$(date +%T)" "$*" >&2; }

zw_fail() {
    printf 'FAIL [%s]: %s\n' "${ZW_TEST:-$(basename "$0")}" "$*" >&2
    exit 1
}

zw_skip() {
    printf 'SKIP [%s]: %s\n' "$ZW_TEST" "$*" >&2
    exit "$ZW_SKIP"
}

zw_require() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || zw_skip "required tool '$c' not found in PATH"
    done
}

zw_args() {
    ZW_ARGS=()
    while (($#)); do
        if [[ $1 == --zonewarden && $# -ge 2 ]]; then
            ZONEWARDEN=$2
            shift 2
        else
            ZW_ARGS+=("$1")
            shift
        fi
    done
    [[ -n ${ZONEWARDEN:-} && -x $ZONEWARDEN ]] ||
        zw_fail "no zonewarden binary: pass --zonewarden PATH or set ZONEWARDEN"
    ZONEWARDEN=$(realpath "$ZONEWARDEN")
}

zw_init() {
    ZW_TEST=$1
    ZW_TMP=$(mktemp -d "${TMPDIR:-/tmp}/zw-${ZW_TEST}.XXXXXX")
    trap 'zw__cleanup $?' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    zw_log "temp dir $ZW_TMP"
}

zw__cleanup() {
    local rc=$1 i
    trap - EXIT INT TERM
    set +e
    for ((i = ${#ZW_PIDS[@]} - 1; i >= 0; i--)); do
        [[ -n ${ZW_PIDS[i]} ]] && zw__kill "${ZW_PIDS[i]}" "${ZW_PID_NAMES[i]}"
    done
    for i in "${ZW_ADDRS[@]}"; do
        ip addr del "$i/32" dev lo 2>/dev/null || zw_log "warning: could not remove $i from lo"
    done
    if [[ -n $ZW_TMP && -d $ZW_TMP ]]; then
        if [[ $rc -ne 0 && $rc -ne $ZW_SKIP ]] || [[ ${ZW_KEEP_TMP:-0} == 1 ]]; then
            zw_log "exit $rc; kept $ZW_TMP for inspection"
            local f
            for f in $(printf '%s\n' "${ZW_PID_NAMES[@]}" | sort -u); do
                f=$ZW_TMP/$f.log
                [[ -s $f ]] || continue
                printf -- '--- last lines of %s ---\n' "$f" >&2
                tail -n 15 "$f" >&2
            done
        else
            rm -rf "$ZW_TMP"
        fi
    fi
    exit "$rc"
}

# Kill one PID: TERM, wait up to 5 s, then KILL.
zw__kill() {
    local pid=$1 name=$2 n
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((n = 0; n < 50; n++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        zw_log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null || true  # a server killed by a signal exits non-zero; set -e must not end the test
    return 0
}

# Allocate a loopback address nobody else holds, add it to lo and register it for removal.
# The counter and the check-then-add run under flock so parallel tests never collide.
# Sets ZW_LAST_ADDR (use `zw_addr; a=$ZW_LAST_ADDR` — a subshell would lose the record).
zw_addr() {
    command -v ip >/dev/null || zw_skip "iproute2 'ip' not found"
    command -v flock >/dev/null || zw_skip "'flock' not found"
    local addr
    addr=$(
        exec 9>>"$ZW_ADDR_STATE.lock"
        flock -w 10 9 || { echo "lock $ZW_ADDR_STATE.lock busy" >&2; exit 1; }
        n=$(cat "$ZW_ADDR_STATE.counter" 2>/dev/null || echo 0)
        [[ $n =~ ^[0-9]+$ ]] || n=0
        span=$((ZW_ADDR_NETS * 256 * 254))
        held=$(ip -o -4 addr show dev lo)
        for ((try = 0; try < 1000; try++)); do
            n=$(((n + 1) % span))
            a="127.$((ZW_ADDR_FIRST_NET + n / (256 * 254))).$(((n / 254) % 256)).$((n % 254 + 1))"
            [[ $held == *" $a/"* ]] && continue # held by a running test (or a leftover)
            if err=$(ip addr add "$a/32" dev lo 2>&1); then
                echo "$n" >"$ZW_ADDR_STATE.counter"
                echo "$a"
                exit 0
            fi
            [[ $err == *"File exists"* ]] && continue
            echo "ip addr add $a/32 dev lo failed: $err" >&2
            exit 2
        done
        echo "no free loopback address after 1000 tries" >&2
        exit 1
    ) || {
        local rc=$?
        [[ $rc -eq 2 ]] && zw_skip "cannot add loopback addresses (need root / CAP_NET_ADMIN)"
        zw_fail "loopback address allocation failed"
    }
    ZW_ADDRS+=("$addr")
    # shellcheck disable=SC2034 # read by the scripts that source this file
    ZW_LAST_ADDR=$addr
    zw_log "added $addr/32 to lo"
}

# zw_start NAME CMD... : CMD must not daemonize. PID recorded for the trap.
zw_start() {
    local name=$1
    shift
    timeout -k 5 "${ZW_SERVER_TIMEOUT:-600}" "$@" >"$ZW_TMP/$name.log" 2>&1 &
    local pid=$!
    ZW_PIDS+=("$pid")
    ZW_PID_NAMES+=("$name")
    printf -v "ZW_PID_${name}" '%s' "$pid"
    zw_log "started $name (pid $pid): $*"
}

zw_stop() {
    local name=$1 i
    for i in "${!ZW_PID_NAMES[@]}"; do
        if [[ ${ZW_PID_NAMES[i]} == "$name" && -n ${ZW_PIDS[i]} ]]; then
            zw__kill "${ZW_PIDS[i]}" "$name"
            ZW_PIDS[i]=""
        fi
    done
}

# zw_wait_dns NAME ADDR QNAME [TYPE]: until ADDR answers (any rcode), at most ~50 tries.
# Fails early if the server process NAME has died.
zw_wait_dns() {
    local name=$1 addr=$2 qname=$3 qtype=${4:-SOA} n pidvar="ZW_PID_$1"
    for ((n = 0; n < 50; n++)); do
        if ! kill -0 "${!pidvar}" 2>/dev/null; then
            zw_fail "$name exited before answering; see $ZW_TMP/$name.log"
        fi
        if dig +time=1 +tries=1 +norecurse @"$addr" "$qname" "$qtype" 2>/dev/null | grep -q 'status: '; then
            zw_log "$name answers on $addr"
            return 0
        fi
        sleep 0.1
    done
    zw_fail "$name did not answer on $addr within 50 tries; see $ZW_TMP/$name.log"
}

# zw_normalize ORIGIN IN OUT: one RR per line, absolute names, RFC 1035 escapes, no comments,
# through BIND's loader (ldns-read-zone 1.8.3 prints labels such as \" and \$ unescaped).
# Base64 fields may be split into several blank-separated chunks.
zw_normalize() {
    local origin=$1 in=$2 out=$3
    if ! named-checkzone -D -s full -o - -i none -k ignore -n ignore -M ignore -S ignore -T ignore \
        -W ignore "$origin" "$in" >"$out.raw" 2>"$out.err"; then
        echo "named-checkzone cannot load $in: $(head -n 5 "$out.err")" >&2
        return 1
    fi
    grep -v -e '^;' -e '^zone [^ ]*/IN: ' "$out.raw" >"$out"
    rm -f "$out.raw"
}

# zw_keyfile_flags FILE.key : prints the DNSKEY flags field of a BIND .key file.
zw_keyfile_flags() {
    awk '!/^;/ && NF { for (i = 1; i <= NF; i++) if ($i == "DNSKEY") { print $(i + 1); exit } }' "$1"
}

# zw_bind_options DIR ADDRESS [STATEMENT...]: the options and controls blocks of an
# authoritative-only named that listens on one IPv4 address and keeps its files in DIR;
# each STATEMENT ("notify no;") goes inside the options block after the common ones.
zw_bind_options() {
    local dir=$1 address=$2 statement
    shift 2
    cat <<EOF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port 53 { $address; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
EOF
    for statement in "$@"; do printf '    %s\n' "$statement"; done
    printf '};\ncontrols { };\n'
}

# zw_unbound_conf DIR ADDRESS ROOT_HINTS TRUST_ANCHOR [STATEMENT...]: unbound.conf for a
# validating resolver in the foreground on one address, with its files in DIR, the local
# root as its only hints and TRUST_ANCHOR as the root's DS; each STATEMENT
# ("do-ip6: no") goes into the server clause after the common ones.
zw_unbound_conf() {
    local dir=$1 address=$2 hints=$3 anchor=$4 statement
    shift 4
    cat <<EOF
server:
    interface: $address
    port: 53
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$dir"
    pidfile: "$dir/unbound.pid"
    use-syslog: no
    logfile: ""
    num-threads: 1
    so-reuseport: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    root-hints: "$hints"
    trust-anchor-file: "$anchor"
    qname-minimisation: no
EOF
    for statement in "$@"; do printf '    %s\n' "$statement"; done
    printf 'remote-control:\n    control-enable: no\n'
}
