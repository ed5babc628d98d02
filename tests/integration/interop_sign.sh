#!/usr/bin/env bash
# Sign a generated zone with zonewarden and check that three independent verifiers
# (BIND's dnssec-verify, ldns-verify-zone, Knot's kzonecheck) and our structural
# checks accept it. A tampered copy must be rejected by every verifier, which proves
# each of them really checks signatures.
#
#   interop_sign.sh [--zonewarden PATH] [--records N | --zone FILE] [--keys DIR]
#                   ALG DENIAL KEYSOURCE [split|csk]
#     ALG        rsasha256 | ecdsap256sha256 | ecdsap384sha384 | ed25519 | ed448
#     DENIAL     nsec | nsec3 | nsec3-optout
#     KEYSOURCE  zonewarden | bind | ldns (who generates the keys) | files (copy the
#                K<origin>+*.key/.private of --keys DIR, e.g. tests/data/keys/...)
#     split|csk  KSK + ZSK (default) or a single combined key
#     --zone     sign FILE (origin example.test., with the names secure/insecure/tampered,
#                e.g. tests/data/edge.zone) instead of a generated delegations-shape zone
#
# Environment: ZONEWARDEN (binary, if --zonewarden is not given), ZW_KEEP_TMP=1.
# Exit 0 pass, 1 fail, 77 skipped (a tool is missing).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw=$ZONEWARDEN
records=3000
zone_file=""
key_src=""
while (($#)); do
    case $1 in
    --records) records=$2; shift 2 ;;
    --zone) zone_file=$2; shift 2 ;;
    --keys) key_src=$2; shift 2 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    --*) echo "interop_sign.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
if (($# < 3 || $# > 4)); then
    echo "usage: interop_sign.sh [--zonewarden PATH] [--zone FILE] [--keys DIR] ALG nsec|nsec3|nsec3-optout zonewarden|bind|ldns|files [split|csk]" >&2
    exit 2
fi
alg=${1,,} denial=$2 keysource=$3 mode=${4:-split}

case $alg in
rsasha256) ALG=RSASHA256 ;;
ecdsap256sha256) ALG=ECDSAP256SHA256 ;;
ecdsap384sha384) ALG=ECDSAP384SHA384 ;;
ed25519) ALG=ED25519 ;;
ed448) ALG=ED448 ;;
*) echo "interop_sign.sh: unknown algorithm '$1'" >&2; exit 2 ;;
esac
case $denial in nsec | nsec3 | nsec3-optout) ;; *) echo "bad DENIAL '$denial'" >&2; exit 2 ;; esac
case $keysource in zonewarden | bind | ldns | files) ;; *) echo "bad KEYSOURCE '$keysource'" >&2; exit 2 ;; esac
[[ $keysource == files && -z $key_src ]] && { echo "KEYSOURCE files needs --keys DIR" >&2; exit 2; }
case $mode in split | csk) ;; *) echo "bad mode '$mode' (split|csk)" >&2; exit 2 ;; esac

zw_init "interop-$alg-$denial-$keysource-$mode${zone_file:+-$(basename "$zone_file" .zone)}"
[[ -x $zw ]] || zw_fail "zonewarden binary '$zw' is missing or not executable (build it first)"
zw_require python3 dnssec-verify ldns-verify-zone named-checkzone kzonecheck
[[ $keysource == bind ]] && zw_require dnssec-keygen
[[ $keysource == ldns ]] && zw_require ldns-keygen

origin=example.test.
kd=$ZW_TMP/keys
tmp=$ZW_TMP

# --- zone ---------------------------------------------------------------------------
if [[ -n $zone_file ]]; then
    cp "$zone_file" "$tmp/unsigned.zone" || zw_fail "cannot read --zone $zone_file"
else
    python3 "$here/gen_zone.py" --origin "$origin" --records "$records" --shape delegations --seed 42 \
        >"$tmp/unsigned.zone" || zw_fail "gen_zone.py failed"
fi

# --- keys ---------------------------------------------------------------------------
# gen_key ROLE(ksk|zsk|csk)
gen_key() {
    local role=$1 out bits=()
    [[ $ALG == RSASHA256 ]] && bits=(-b 2048)
    case $keysource in
    zonewarden)
        out=$("$zw" keygen --zone "$origin" --algorithm "$alg" --role "$role" --key-dir "$kd" 2>"$tmp/keygen.err") ||
            zw_fail "zonewarden keygen --role $role failed: $(cat "$tmp/keygen.err")"
        [[ $out =~ ^K${origin//./\\.}\+0*[0-9]+\+[0-9]+$ ]] ||
            zw_fail "zonewarden keygen printed '$out', want K${origin}+AAA+TAG"
        [[ -f $kd/$out.key && -f $kd/$out.private ]] || zw_fail "keygen printed $out but $kd/$out.{key,private} are missing"
        ;;
    bind)
        [[ -d $kd ]] || mkdir -m 0700 "$kd"
        local ksk=()
        [[ $role != zsk ]] && ksk=(-f KSK)
        dnssec-keygen -q -K "$kd" -a "$ALG" "${bits[@]}" "${ksk[@]}" -n ZONE "$origin" >"$tmp/keygen.out" 2>&1 ||
            zw_fail "dnssec-keygen failed: $(cat "$tmp/keygen.out")"
        ;;
    ldns)
        [[ -d $kd ]] || mkdir -m 0700 "$kd"
        local ksk=()
        [[ $role != zsk ]] && ksk=(-k)
        (cd "$kd" && ldns-keygen -a "$ALG" "${bits[@]}" "${ksk[@]}" "$origin") >"$tmp/keygen.out" 2>&1 ||
            zw_fail "ldns-keygen failed: $(cat "$tmp/keygen.out")"
        ;;
    esac
}
if [[ $keysource == files ]]; then
    mkdir -m 0700 "$kd"
    cp "$key_src"/K"$origin"+*.key "$key_src"/K"$origin"+*.private "$kd"/ || zw_fail "no K$origin+* keys in $key_src"
    chmod 600 "$kd"/*.private
elif [[ $mode == csk ]]; then
    gen_key csk
else
    gen_key ksk
    gen_key zsk
fi
if [[ $keysource == zonewarden ]]; then
    perm=$(stat -c %a "$kd")
    [[ $perm == 700 ]] || zw_fail "key dir $kd has mode $perm, want 700"
    for f in "$kd"/*.private; do
        perm=$(stat -c %a "$f")
        [[ $perm == 600 ]] || zw_fail "$(basename "$f") has mode $perm, want 600"
    done
fi
zw_log "keys ($keysource, $mode): $(cd "$kd" && echo ./*.key)"

# --- sign ---------------------------------------------------------------------------
sign_args=(sign --zone-file "$tmp/unsigned.zone" --origin "$origin" --key-dir "$kd" --out "$tmp/signed.zone" --threads 2)
case $denial in
nsec3) sign_args+=(--nsec3) ;;
nsec3-optout) sign_args+=(--nsec3 --opt-out) ;;
esac
zw_log "zonewarden ${sign_args[*]}"
rc=0
"$zw" "${sign_args[@]}" >"$tmp/sign.out" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || zw_fail "zonewarden sign exited $rc: $(tail -n 20 "$tmp/sign.out")"
[[ -s $tmp/signed.zone ]] || zw_fail "zonewarden sign exited 0 but wrote no $tmp/signed.zone"

# --- checks -------------------------------------------------------------------------
failures=()

# dnssec-verify: a KSK+ZSK zone is checked in its default (strictest) mode, which wants a
# self-signed KSK per algorithm and every other RRset signed by a non-KSK key; a zone whose
# only key is a KSK (CSK) is checked with -z (ignore the KSK flag: all RRsets signed by it).
dv_args=(-o "$origin")
[[ $mode == csk ]] && dv_args+=(-z)

# run_verifiers FILE TAG: sets the global verdicts dv_rc ldns_rc kz_rc, logs in $tmp/TAG.*.log
run_verifiers() {
    local file=$1 tag=$2
    dv_rc=0 ldns_rc=0 kz_rc=0
    dnssec-verify "${dv_args[@]}" "$file" >"$tmp/$tag.dnssec-verify.log" 2>&1 || dv_rc=$?
    ldns-verify-zone -V 2 "$file" >"$tmp/$tag.ldns-verify-zone.log" 2>&1 || ldns_rc=$?
    kzonecheck --dnssec on -o "$origin" "$file" >"$tmp/$tag.kzonecheck.log" 2>&1 || kz_rc=$?
}

run_verifiers "$tmp/signed.zone" good
((dv_rc == 0)) || failures+=("dnssec-verify ${dv_args[*]} rejected it: $(grep -v '^Loading\|^Verifying\|^- ' "$tmp/good.dnssec-verify.log" | head -n 8)")
((ldns_rc == 0)) || failures+=("ldns-verify-zone rejected it: $(head -n 8 "$tmp/good.ldns-verify-zone.log")")
((kz_rc == 0)) || failures+=("kzonecheck --dnssec on rejected it: $(head -n 8 "$tmp/good.kzonecheck.log")")

if zw_normalize "$origin" "$tmp/signed.zone" "$tmp/signed.norm" 2>"$tmp/read.err"; then
    zw_log "signed: $(wc -l <"$tmp/signed.norm") RRs, $(awk '$4 == "RRSIG"' "$tmp/signed.norm" | wc -l) RRSIGs"
    check_args=(--origin "$origin" --key-dir "$kd" --denial "$denial")
    [[ $mode == csk ]] && check_args+=(--csk)
    [[ $ALG == RSASHA256 ]] && check_args+=(--rsa-bits 2048)
    python3 "$here/check_signed.py" "${check_args[@]}" "$tmp/signed.norm" 2>"$tmp/check_signed.log" ||
        failures+=("structure (check_signed.py): $(head -c 2000 "$tmp/check_signed.log")")

    # Negative control: corrupt the signature over tampered.<origin> A; all three must object.
    python3 "$here/tamper.py" "$tmp/signed.norm" "tampered.$origin" A >"$tmp/tampered.zone" ||
        zw_fail "no RRSIG over tampered.$origin A to corrupt"
    run_verifiers "$tmp/tampered.zone" tampered
    ((dv_rc != 0)) || failures+=("dnssec-verify accepted a zone with a corrupted RRSIG (negative control)")
    ((ldns_rc != 0)) || failures+=("ldns-verify-zone accepted a zone with a corrupted RRSIG (negative control)")
    ((kz_rc != 0)) || failures+=("kzonecheck accepted a zone with a corrupted RRSIG (negative control)")
else
    failures+=("BIND cannot load the signed zone, so no structural checks: $(cat "$tmp/read.err")")
fi

if ((${#failures[@]})); then
    for f in "${failures[@]}"; do
        printf 'FAIL [%s]: %s\n' "$ZW_TEST" "$f" >&2
    done
    exit 1
fi
zw_log "PASS: dnssec-verify, ldns-verify-zone, kzonecheck and check_signed.py accept the zone; all reject the tampered copy"
