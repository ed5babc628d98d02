#!/usr/bin/env bash
# Holds `zonewarden sign` against the zone-check test corpora of BIND 9
# (bin/tests/system/checkzone/zones) and Knot DNS (tests/knot/semantic_check_data) and
# reports where it disagrees with the peers. The corpora are not in our tree (their files
# do not carry over): give local checkouts of the two repositories.
#
#   bench/peer_corpora.sh --bind BIND9_CHECKOUT --knot KNOT_CHECKOUT
#                         [--zonewarden PATH] [--list] [--keep]
#
# For every zone file: the peers' verdict on the input (`named-checkzone ORIGIN FILE`,
# `kzonecheck -d off -o ORIGIN FILE`: the input's own DNSSEC records are replaced by ours,
# so Knot's signature checks of the input do not apply), then `zonewarden sign` with a
# fresh ECDSA P-256 CSK, and when it signs, the output through dnssec-verify -z,
# ldns-verify-zone and kzonecheck --dnssec on. A disagreement is one of
#   output   zonewarden signed, and a verifier refuses the output
#   accepts  zonewarden signed what both peers refuse
#   refuses  zonewarden refused (exit 2) what both peers accept
#   crash    zonewarden ended otherwise than 0 or 2 (or ran past 60 s)
# Zones where the peers disagree with each other and zonewarden sides with one of them are
# counted as "split", not as disagreements. --list prints every file's verdicts.
# Exit 0 when there is no disagreement, 1 otherwise. Not part of the test suite
# (tests/integration/peer_cases.sh reproduces the relevant cases with our own zones).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
zw=$here/../build/app/zonewarden
bind_root="" knot_root="" list=0 keep=0
while (($#)); do
    case $1 in
    --zonewarden) zw=$2; shift 2 ;;
    --bind) bind_root=$2; shift 2 ;;
    --knot) knot_root=$2; shift 2 ;;
    --list) list=1; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "peer_corpora.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -n $bind_root || -n $knot_root ]] || { echo "peer_corpora.sh: give --bind and/or --knot" >&2; exit 2; }
[[ -x $zw ]] || { echo "peer_corpora.sh: no zonewarden at $zw" >&2; exit 2; }
for tool in named-checkzone kzonecheck dnssec-verify ldns-verify-zone timeout; do
    command -v "$tool" >/dev/null || { echo "peer_corpora.sh: $tool is missing" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/zw-peer-corpora.XXXXXX")
if ((keep)); then echo "work directory: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

# The origin each BIND file is checked with in its own tests.sh (default "example").
bind_origin() {
    case $(basename "$1") in
    good-dns-sd-reverse.db | bad-dns-sd-reverse.db | bad-svcb-servername.db) echo 0.0.0.0.in-addr.arpa ;;
    good-rpz-prefix.db | bad-rpz-prefix.db | bad-svcb-alpn?.db | bad-svcb-mandatory.db | bad-svcb.db | \
        bad-tkey.db | bad-unspec.db | bad1.db | bad[234].db) echo db ;;
    test1.db | test2.db) echo test ;;
    crashzone.db) echo dyn.example.net ;;
    ns-address-below-dname.db | delegating-ns-address-below-dname.db | generate-overflow.db) echo example.com ;;
    zone1.db) echo zone1.com ;;
    *) echo example ;;
    esac
}

# Knot's test script gives -o example.com, except for the soa.* files, whose origin is
# their file name (kzonecheck without -o).
knot_origin() {
    case $(basename "$1") in
    soa.*) basename "$1" ;;
    *) echo example.com ;;
    esac
}

# One CSK per origin, made once.
keys_for() {
    local origin=$1 dir=$work/keys/$1
    if [[ ! -d $dir ]]; then
        mkdir -p "$work/keys"
        "$zw" keygen --zone "$origin." --algorithm ecdsap256sha256 --role csk --key-dir "$dir" >/dev/null 2>&1 ||
            { echo "peer_corpora.sh: keygen for $origin failed" >&2; exit 2; }
    fi
    echo "$dir"
}

total=0 disagreements=0 splits=0
declare -A kinds=()
report() { printf '%s\n' "$*"; }

check_file() {
    local file=$1 origin=$2 tag=$3
    local base=$work/out/$tag
    mkdir -p "$(dirname "$base")"
    local bind_ok=1 knot_ok=1 zw_rc=0 verdict="" outcome=""
    named-checkzone "$origin" "$file" >"$base.bind.log" 2>&1 || bind_ok=0
    kzonecheck -d off -o "$origin" "$file" >"$base.knot.log" 2>&1 || knot_ok=0
    local keys
    keys=$(keys_for "$origin")
    timeout 60 "$zw" sign --zone-file "$file" --origin "$origin." --key-dir "$keys" --out "$base.signed" \
        --threads 1 >"$base.zw.log" 2>&1 || zw_rc=$?
    total=$((total + 1))
    if ((zw_rc == 0)); then
        local refused=()
        dnssec-verify -z -o "$origin" "$base.signed" >"$base.dv.log" 2>&1 || refused+=(dnssec-verify)
        ldns-verify-zone "$base.signed" >"$base.lv.log" 2>&1 || refused+=(ldns-verify-zone)
        kzonecheck --dnssec on -o "$origin" "$base.signed" >"$base.kz.log" 2>&1 || refused+=(kzonecheck)
        if ((${#refused[@]})); then
            verdict=output outcome="signed; refused by ${refused[*]}"
        elif ((!bind_ok && !knot_ok)); then
            verdict=accepts outcome="signed; both peers refuse the input"
        elif ((!bind_ok || !knot_ok)); then
            verdict=split outcome="signed; $( ((bind_ok)) && echo Knot || echo BIND) refuses the input"
        else
            outcome="signed"
        fi
    elif ((zw_rc == 2)); then
        if ((bind_ok && knot_ok)); then
            verdict=refuses outcome="refused; both peers accept: $(grep -m1 -i 'error' "$base.zw.log" || head -n1 "$base.zw.log")"
        elif ((bind_ok || knot_ok)); then
            verdict=split outcome="refused; $( ((bind_ok)) && echo BIND || echo Knot) accepts"
        else
            outcome="refused"
        fi
    else
        verdict=crash outcome="exit $zw_rc: $(tail -n1 "$base.zw.log")"
    fi
    case $verdict in
    split) splits=$((splits + 1)) ;;
    "") ;;
    *)
        disagreements=$((disagreements + 1))
        kinds[$verdict]=$((${kinds[$verdict]:-0} + 1))
        ;;
    esac
    if ((list)) || [[ -n $verdict && $verdict != split ]]; then
        report "$(printf '%-8s %-48s bind=%s knot=%s  %s' "${verdict:-agree}" "$tag" \
            "$( ((bind_ok)) && echo ok || echo no)" "$( ((knot_ok)) && echo ok || echo no)" "$outcome")"
    fi
}

if [[ -n $bind_root ]]; then
    dir=$bind_root/bin/tests/system/checkzone/zones
    [[ -d $dir ]] || { echo "peer_corpora.sh: no $dir" >&2; exit 2; }
    for f in "$dir"/*.db; do
        check_file "$f" "$(bind_origin "$f")" "bind/$(basename "$f")"
    done
fi
if [[ -n $knot_root ]]; then
    dir=$knot_root/tests/knot/semantic_check_data
    [[ -d $dir ]] || { echo "peer_corpora.sh: no $dir" >&2; exit 2; }
    for f in "$dir"/*; do
        check_file "$f" "$(knot_origin "$f")" "knot/$(basename "$f")"
    done
fi

summary="files: $total; disagreements: $disagreements"
for k in output accepts refuses crash; do summary+=" ($k ${kinds[$k]:-0})"; done
summary+="; split between the peers: $splits"
report "$summary"
((disagreements == 0))
