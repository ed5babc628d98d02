#!/usr/bin/env bash
# Seeds that need real signatures: answers for fuzz/corpus/chain_validation (signed at
# 1700000000, the instant the target validates at) and signing states with a delta for
# fuzz/corpus/signing_state. Run once; the output is kept in the tree.
#
#   fuzz/seeds/make_signed_seeds.sh ZONEWARDEN_BINARY
set -euo pipefail
zw=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
origin=example.test.
now=1700000000

for role in ksk zsk; do
    "$zw" keygen --zone "$origin" --algorithm ecdsap256sha256 --role "$role" --key-dir "$tmp/keys" >/dev/null
done
# No timing metadata: the keys sign at any instant, the seeds' one included.
sed -i '/^\(Created\|Publish\|Activate\):/d' "$tmp"/keys/*.private
cp "$root/examples/example.test.zone" "$tmp/in.zone"
sign() { # OUT [options]: sign in.zone at $now into OUT
    local out=$1
    shift
    "$zw" sign --zone-file "$tmp/in.zone" --origin "$origin" --key-dir "$tmp/keys" --out "$out" --now "$now" \
        --jitter 0s --threads 1 "$@" >/dev/null
}
sign "$tmp/nsec.zone" --incremental
sign "$tmp/nsec3.zone" --nsec3 --incremental
# A small change and the same instant again: the state goes out as a delta.
sed -i 's/^mail            A       192.0.2.25/mail            A       192.0.2.26/' "$tmp/in.zone"
sign "$tmp/nsec.zone" --incremental
ksk=$(grep -l 'key-signing' "$tmp"/keys/*.key)
dnssec-dsfromkey -2 "$ksk" >"$tmp/anchor.ds"

/usr/bin/python3 - "$tmp" "$root/fuzz/corpus" "$origin" <<'PY'
import os
import struct
import sys

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone

tmp, corpus, origin = sys.argv[1], sys.argv[2], dns.name.from_text(sys.argv[3])
chain = os.path.join(corpus, "chain_validation")
state = os.path.join(corpus, "signing_state")
os.makedirs(chain, exist_ok=True)
os.makedirs(state, exist_ok=True)


def rrsets(zone, name, rdtype):
    """The RRset and the RRSIGs covering it, as dns.rrset.RRset objects."""
    node = zone.get_node(name)
    out = []
    if node is None:
        return out
    for rds in node.rdatasets:
        if rds.rdtype == rdtype or (rds.rdtype == dns.rdatatype.RRSIG and rds.covers == rdtype):
            rrset = dns.rrset.RRset(name, rds.rdclass, rds.rdtype, rds.covers)
            rrset.update(rds)
            out.append(rrset)
    return out


def denial(zone):
    """Every NSEC or NSEC3 record of the zone with its RRSIGs: enough to prove anything."""
    out = []
    for name in zone.nodes:
        for t in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3):
            out += rrsets(zone, name, t)
    return out


def answer(zone, qname, qtype, answer_sets, authority_sets, rcode=dns.rcode.NOERROR):
    q = dns.message.make_query(qname, qtype, want_dnssec=True)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.set_rcode(rcode)
    r.answer += answer_sets
    r.authority += authority_sets
    r.additional += rrsets(zone, origin, dns.rdatatype.DNSKEY)
    return b"\x00" + r.to_wire(max_size=65535)


seeds = {}
for denial_kind in ("nsec", "nsec3"):
    zone = dns.zone.from_file(os.path.join(tmp, denial_kind + ".zone"), origin, relativize=False, check_origin=False)
    soa = rrsets(zone, origin, dns.rdatatype.SOA)
    www = dns.name.from_text("www", origin)
    seeds[f"{denial_kind}_dnskey"] = answer(zone, origin, "DNSKEY", rrsets(zone, origin, dns.rdatatype.DNSKEY), [])
    seeds[f"{denial_kind}_soa"] = answer(zone, origin, "SOA", soa, [])
    seeds[f"{denial_kind}_cname"] = answer(zone, www, "A", rrsets(zone, www, dns.rdatatype.CNAME), [])
    seeds[f"{denial_kind}_nxdomain"] = answer(zone, dns.name.from_text("nope", origin), "A", [], soa + denial(zone),
                                              dns.rcode.NXDOMAIN)
    seeds[f"{denial_kind}_nodata"] = answer(zone, dns.name.from_text("mail", origin), "TXT", [], soa + denial(zone))
    member = dns.name.from_text("member", origin)
    seeds[f"{denial_kind}_ds"] = answer(zone, member, "DS", rrsets(zone, member, dns.rdatatype.DS), [])
    legacy = dns.name.from_text("legacy", origin)
    seeds[f"{denial_kind}_no_ds"] = answer(zone, legacy, "DS", [], soa + denial(zone))
with open(os.path.join(tmp, "anchor.ds"), "rb") as f:
    seeds["anchor_ds"] = b"\x01" + f.read()
for name, data in seeds.items():
    with open(os.path.join(chain, name), "wb") as f:
        f.write(data)


def body(path):
    with open(path, "rb") as f:
        data = f.read()
    return data[:-32]  # the closing SHA-256, which the target puts back


for name in ("nsec", "nsec3"):
    base = body(os.path.join(tmp, name + ".zone.zwstate"))
    delta_path = os.path.join(tmp, name + ".zone.zwstate.delta")
    with open(os.path.join(state, name + "_full"), "wb") as f:
        f.write(b"\x00" + struct.pack(">I", len(base)) + base)
    if os.path.exists(delta_path):
        with open(os.path.join(state, name + "_delta"), "wb") as f:
            f.write(b"\x03" + struct.pack(">I", len(base)) + base + body(delta_path))
print(f"{len(seeds)} chain seeds, state seeds: {sorted(os.listdir(state))}")
PY
