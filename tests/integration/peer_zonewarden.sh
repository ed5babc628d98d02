#!/usr/bin/env bash
# A stand-in for `zonewarden keygen|sign` built from BIND's tools, used only to prove the
# integration harness itself (verifiers, servers, tamper checks) against a signer known to
# be correct:   ZONEWARDEN=tests/integration/peer_zonewarden.sh tests/integration/interop_sign.sh ...
# It implements the subset of options the tests use. It is not a test of zonewarden.
set -euo pipefail

die() {
    echo "peer_zonewarden: $*" >&2
    exit 2
}

alg_name() {
    case ${1,,} in
    8 | rsasha256) echo RSASHA256 ;;
    13 | ecdsap256sha256) echo ECDSAP256SHA256 ;;
    14 | ecdsap384sha384) echo ECDSAP384SHA384 ;;
    15 | ed25519) echo ED25519 ;;
    16 | ed448) echo ED448 ;;
    *) die "unknown algorithm '$1'" ;;
    esac
}

keygen() {
    local zone="" alg="" role="" dir=""
    while (($#)); do
        case $1 in
        --zone) zone=$2 ;;
        --algorithm) alg=$(alg_name "$2") ;;
        --role) role=$2 ;;
        --key-dir) dir=$2 ;;
        *) die "keygen: unknown option $1" ;;
        esac
        shift 2
    done
    [[ -n $zone && -n $alg && -n $role && -n $dir ]] || die "keygen: missing option"
    [[ -d $dir ]] || mkdir -m 0700 "$dir"
    local args=(-q -K "$dir" -a "$alg" -n ZONE)
    [[ $alg == RSASHA256 ]] && args+=(-b 2048)
    case $role in
    ksk | csk) args+=(-f KSK) ;;
    zsk) ;;
    *) die "keygen: bad role $role" ;;
    esac
    dnssec-keygen "${args[@]}" "$zone"
}

sign() {
    local in="" origin="" dir="" out="" nsec3=0 iter=0 salt=- optout=0 threads=1 serial=keep
    while (($#)); do
        case $1 in
        --zone-file) in=$2; shift ;;
        --origin) origin=$2; shift ;;
        --key-dir) dir=$2; shift ;;
        --out) out=$2; shift ;;
        --nsec3) nsec3=1 ;;
        --iterations) iter=$2; shift ;;
        --salt) salt=$2; shift ;;
        --opt-out) optout=1 ;;
        --threads) threads=$2; shift ;;
        --serial) serial=$2; shift ;;
        *) die "sign: unsupported option $1" ;;
        esac
        shift
    done
    [[ -n $in && -n $origin && -n $dir && -n $out ]] || die "sign: missing option"
    [[ $origin == *. ]] || origin+=.
    local tmp keys=() k flags ksk_only=1
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    cp "$in" "$tmp/zone"
    for k in "$dir"/K"$origin"+*.private; do
        [[ -e $k ]] || die "sign: no keys for $origin in $dir"
        keys+=("${k%.private}")
        flags=$(awk '!/^;/ { for (i = 1; i <= NF; i++) if ($i == "DNSKEY") { print $(i + 1); exit } }' "${k%.private}.key")
        [[ $flags == 256 ]] && ksk_only=0
        grep -v '^;' "${k%.private}.key" >>"$tmp/zone"
    done
    local args=(-q -d "$tmp" -o "$origin" -f "$tmp/out" -N "$serial" -n "$threads" -s now-3600 -e now+1209600 -j 43200 -x)
    ((ksk_only)) && args+=(-z)
    if ((nsec3)); then
        args+=(-3 "$salt" -H "$iter")
        ((optout)) && args+=(-A)
    fi
    dnssec-signzone "${args[@]}" "$tmp/zone" "${keys[@]}" >/dev/null || exit 4
    mv "$tmp/out" "$out"
}

cmd=${1:-}
shift || true
case $cmd in
keygen) keygen "$@" ;;
sign) sign "$@" ;;
*) die "usage: peer_zonewarden.sh keygen|sign OPTIONS" ;;
esac
