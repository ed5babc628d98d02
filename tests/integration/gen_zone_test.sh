#!/usr/bin/env bash
# Checks gen_zone.py: record counts within 3 %, same seed -> same bytes, another seed ->
# other bytes, the fixture names the other tests query are there, no glue outside
# 127.0.0.0/8, and Knot's and BIND's zone checkers accept both shapes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
zw_init gen-zone
zw_require python3 kzonecheck named-checkzone
gen=(python3 "$here/gen_zone.py" --origin example.test.)
tmp=$ZW_TMP

for shape in hosting delegations; do
    for n in 500 20000; do
        f=$tmp/$shape-$n.zone
        "${gen[@]}" --shape "$shape" --records "$n" --seed 3 >"$f"
        count=$(grep -cv '^\$' "$f")
        ((count >= n && count <= n + n * 3 / 100 + 10)) || zw_fail "$shape $n: $count records, want $n..+3%"
        "${gen[@]}" --shape "$shape" --records "$n" --seed 3 | cmp -s - "$f" || zw_fail "$shape $n: not deterministic"
        ! "${gen[@]}" --shape "$shape" --records "$n" --seed 4 | cmp -s - "$f" || zw_fail "$shape $n: seed ignored"
        kzonecheck -o example.test. "$f" >"$tmp/kz.log" 2>&1 || zw_fail "kzonecheck rejects $shape $n: $(head -n 5 "$tmp/kz.log")"
        # -i local: no lookups of out-of-zone names (full mode would use the system resolver).
        named-checkzone -q -i local example.test "$f" || zw_fail "named-checkzone rejects $shape $n"
        for want in '^@\tIN\tSOA\t' '^ns1\tIN\tA\t127\.' '^\*\.wild\tIN\tA\t' '^a\.b\.c\tIN\tA\t' \
            '^alias\tIN\tCNAME\t' '^multi\tIN\tTXT\t"[^"]*" "[^"]*" "' '^secure\tIN\tDS\t' \
            '^ns1\.secure\tIN\tA\t' '^insecure\tIN\tNS\t' '^ns1\.insecure\tIN\tA\t' '^tampered\tIN\tA\t'; do
            grep -qP "$want" "$f" || zw_fail "$shape $n: no line matching /$want/"
        done
        grep -qP '^b\.c\t' "$f" && zw_fail "$shape $n: b.c must stay an empty non-terminal"
        # Every glue / NS-target address must be loopback.
        awk '$3 == "A" && $1 ~ /^ns[0-9]\./ && $4 !~ /^127\./ { bad = 1; print } END { exit bad }' FS='\t' "$f" ||
            zw_fail "$shape $n: glue outside 127.0.0.0/8"
    done
done
grep -qP '\tIN\tNS\t' "$tmp/delegations-20000.zone" || zw_fail "delegations shape has no NS"
dels=$(awk -F'\t' '$3 == "NS" && $1 != "@"' "$tmp/delegations-20000.zone" | cut -f1 | sort -u | wc -l)
ds=$(awk -F'\t' '$3 == "DS"' "$tmp/delegations-20000.zone" | cut -f1 | sort -u | wc -l)
((dels > 2000 && ds > dels / 5 && ds < dels / 2)) || zw_fail "delegations shape: $dels delegations, $ds with DS"
zw_log "PASS: counts, determinism, fixture, loopback glue; $dels delegations ($ds secure) in 20000 records"
