#!/usr/bin/env bash
# The `zonewarden sign` options end to end, each output checked by dnssec-verify:
# NSEC3 iterations/salt, CDS/CDNSKEY for a KSK (compared with dnssec-dsfromkey), the
# RFC 8078 delete records, --dnskey-ttl, --validity, --serial modes, exit code 2 on bad
# input and on out-of-range --dnskey-ttl and --now, with the previous --out left untouched.
#
#   sign_options.sh [--zonewarden PATH]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

zw_args "$@"
set -- "${ZW_ARGS[@]}"
zw=$ZONEWARDEN
zw_init sign-options
zw_require python3 dnssec-verify dnssec-dsfromkey named-checkzone

origin=example.test.
tmp=$ZW_TMP
kd=$tmp/keys
failures=()
bad() {
    failures+=("$*")
    zw_log "  BAD  $*"
}

python3 "$here/gen_zone.py" --origin "$origin" --records 300 --shape hosting --seed 5 >"$tmp/unsigned.zone"
ksk=$("$zw" keygen --zone "$origin" --algorithm ecdsap256sha256 --role ksk --key-dir "$kd")
"$zw" keygen --zone "$origin" --algorithm ecdsap256sha256 --role zsk --key-dir "$kd" >/dev/null
tag=$((10#${ksk##*+}))

# sign_ok NAME ARGS... : sign into $tmp/NAME.zone, require exit 0 and dnssec-verify, normalize.
sign_ok() {
    local name=$1 rc=0
    shift
    "$zw" sign --zone-file "$tmp/unsigned.zone" --origin "$origin" --key-dir "$kd" \
        --out "$tmp/$name.zone" "$@" >"$tmp/$name.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        bad "$name: zonewarden sign $* exited $rc: $(tail -n 3 "$tmp/$name.log")"
        return 1
    fi
    if ! dnssec-verify -q -o "$origin" "$tmp/$name.zone" >"$tmp/$name.verify" 2>&1; then
        bad "$name: dnssec-verify rejects the output of sign $*: $(tail -n 3 "$tmp/$name.verify")"
    fi
    zw_normalize "$origin" "$tmp/$name.zone" "$tmp/$name.norm" || bad "$name: BIND cannot load the output"
}
# rdata NAME OWNER TYPE : rdata (fields 5..) of the first OWNER TYPE record
rdata() { awk -v o="$2" -v t="$3" '$1 == o && $4 == t { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print; exit }' "$tmp/$1.norm"; }
ttl() { awk -v o="$2" -v t="$3" '$1 == o && $4 == t { print $2; exit }' "$tmp/$1.norm"; }

# NSEC3 parameters.
if sign_ok nsec3p --nsec3 --iterations 5 --salt ABCDEF01; then
    got=$(rdata nsec3p "$origin" NSEC3PARAM)
    [[ ${got,,} == "1 0 5 abcdef01" ]] || bad "NSEC3PARAM is '$got', want '1 0 5 abcdef01'"
    n=$(awk '$4 == "NSEC3" && tolower($7 " " $8) != "5 abcdef01"' "$tmp/nsec3p.norm" | wc -l)
    ((n == 0)) || bad "$n NSEC3 records do not carry iterations 5, salt abcdef01"
fi

# CDS / CDNSKEY for the KSK, equal to what BIND derives from the key file.
if sign_ok cds --cds "$tag" --dnskey-ttl 5m; then
    want=$(dnssec-dsfromkey -2 "$kd/$ksk.key" | awk '{ print $4, $5, $6, $7 }')
    got=$(rdata cds "$origin" CDS)
    got=${got// /} want=${want// /}
    [[ ${got,,} == "${want,,}" ]] || bad "CDS is '$got', want '$want' (dnssec-dsfromkey -2)"
    wantk=$(awk '!/^;/ { for (i = 1; i <= NF; i++) if ($i == "DNSKEY") { s = ""; for (j = i + 1; j <= NF; j++) s = s $j; print s; exit } }' "$kd/$ksk.key")
    gotk=$(rdata cds "$origin" CDNSKEY | tr -d ' ')
    [[ $gotk == "$wantk" ]] || bad "CDNSKEY is '$gotk', want the KSK '$wantk'"
    for t in DNSKEY CDS CDNSKEY; do
        [[ $(ttl cds "$origin" "$t") == 300 ]] || bad "--dnskey-ttl 5m: $t TTL is $(ttl cds "$origin" "$t"), want 300"
    done
fi

# RFC 8078 section 4: delete records.
if sign_ok cdsdel --cds-delete; then
    [[ $(rdata cdsdel "$origin" CDS) == "0 0 0 00" ]] || bad "--cds-delete: CDS is '$(rdata cdsdel "$origin" CDS)', want '0 0 0 00'"
    [[ $(rdata cdsdel "$origin" CDNSKEY) == "0 3 0 AA==" ]] || bad "--cds-delete: CDNSKEY is '$(rdata cdsdel "$origin" CDNSKEY)', want '0 3 0 AA=='"
fi

# Validity: every expiration within [now + 3d - 12h jitter - 1h, now + 3d + 1h].
if sign_ok valid --validity 3d; then
    now=$(date +%s)
    awk '$4 == "RRSIG" { print $9 }' "$tmp/valid.norm" | sort >"$tmp/valid.exp"
    lo=$(head -n 1 "$tmp/valid.exp") hi=$(tail -n 1 "$tmp/valid.exp")
    lo_s=$(date -u -d "${lo:0:8} ${lo:8:2}:${lo:10:2}:${lo:12:2}" +%s)
    hi_s=$(date -u -d "${hi:0:8} ${hi:8:2}:${hi:10:2}:${hi:12:2}" +%s)
    ((lo_s >= now + 3 * 86400 - 13 * 3600 && hi_s <= now + 3 * 86400 + 3600)) ||
        bad "--validity 3d: expirations $lo..$hi, want within 3d (-12h jitter) of now"
fi

# Serials: keep, then increment / unixtime relative to the existing --out.
# A small input serial, so that unixtime is ahead of it (gen_zone's 2024010101 is not).
sed -i -E 's/^(@\tIN\tSOA\t[^ ]+ [^ ]+ )[0-9]+ /\11000 /' "$tmp/unsigned.zone"
soa_serial() { awk '$4 == "SOA" { print $7; exit }' "$tmp/$1.norm"; }
orig=$(awk -F'\t' '$3 == "SOA" { split($4, f, " "); print f[3]; exit }' "$tmp/unsigned.zone")
if sign_ok serial --serial keep; then
    [[ $(soa_serial serial) == "$orig" ]] || bad "--serial keep: serial $(soa_serial serial), want $orig"
fi
if sign_ok serial --serial increment; then
    [[ $(soa_serial serial) == $((orig + 1)) ]] || bad "--serial increment: serial $(soa_serial serial), want $((orig + 1))"
fi
if sign_ok serial2 --serial unixtime; then
    s=$(soa_serial serial2)
    now=$(date +%s)
    ((s >= now - 60 && s <= now + 60)) || bad "--serial unixtime: serial $s, want about $now"
fi

# Out-of-range numbers are refused with a reason before anything is read or written: a
# TTL above 2^31-1 (RFC 2181 §8) is not written, one of 2^32 does not wrap to 0, and a
# signing time beyond what RRSIG fields hold does not overflow.
# The zone is valid here: only the option is wrong.
# refused NEEDLE ARGS... : exit 2, NEEDLE in the message, --out untouched.
cp "$tmp/serial.zone" "$tmp/range.zone"
range_before=$(sha256sum <"$tmp/range.zone")
refused() {
    local needle=$1 rc=0
    shift
    "$zw" sign --zone-file "$tmp/unsigned.zone" --origin "$origin" --key-dir "$kd" --out "$tmp/range.zone" \
        "$@" >"$tmp/range.log" 2>&1 || rc=$?
    ((rc == 2)) || bad "sign $*: exit $rc, want 2 ($(tail -n 2 "$tmp/range.log"))"
    grep -qF -- "$needle" "$tmp/range.log" || bad "sign $*: no '$needle' in: $(head -n 2 "$tmp/range.log")"
    [[ $(sha256sum <"$tmp/range.zone") == "$range_before" ]] || bad "sign $* changed the existing --out file"
}
refused "DNSKEY TTL 2147483648 s is outside" --dnskey-ttl 2147483648s
refused "DNSKEY TTL 4294967296 s is outside" --dnskey-ttl 4294967296s
refused "outside what RRSIG times can hold" --now 9223372036854775807
refused "outside what RRSIG times can hold" --now=-1

# Bad input: exit 2, and the existing --out is left as it was.
cp "$tmp/serial.zone" "$tmp/keep.zone"
before=$(sha256sum <"$tmp/keep.zone")
printf 'www 3600 IN CNAME other\nwww 3600 IN A 192.0.2.1\n' >>"$tmp/unsigned.zone"
rc=0
"$zw" sign --zone-file "$tmp/unsigned.zone" --origin "$origin" --key-dir "$kd" --out "$tmp/keep.zone" \
    >"$tmp/bad.log" 2>&1 || rc=$?
((rc == 2)) || bad "CNAME beside other data: exit $rc, want 2 ($(tail -n 2 "$tmp/bad.log"))"
[[ $(sha256sum <"$tmp/keep.zone") == "$before" ]] || bad "a failed sign changed the existing --out file"
grep -q 'unsigned.zone:[0-9]' "$tmp/bad.log" || bad "the error does not name file:line: $(head -n 2 "$tmp/bad.log")"


if ((${#failures[@]})); then
    for f in "${failures[@]}"; do printf 'FAIL [%s]: %s\n' "$ZW_TEST" "$f" >&2; done
    exit 1
fi
zw_log "PASS: NSEC3 parameters, CDS/CDNSKEY, delete CDS, DNSKEY TTL, validity, serial modes, bad input, out-of-range numbers"
