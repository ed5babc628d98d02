#!/usr/bin/python3
"""Seed DNS messages for fuzz/corpus/dns_message: queries, answers of many record types,
compression, EDNS options, truncation, negative answers, and a few broken ones. Run once;
the output is kept in the tree: fuzz/seeds/make_message_seeds.py OUTDIR"""
import os
import sys

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
seeds = {}


def answer(qname, qtype, records, rcode=dns.rcode.NOERROR, section="answer", edns=True, flags=()):
    q = dns.message.make_query(qname, qtype, want_dnssec=edns)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    for f in flags:
        r.flags |= f
    r.set_rcode(rcode)
    for owner, ttl, rtype, texts in records:
        rr = dns.rrset.from_text_list(owner, ttl, "IN", rtype, texts)
        getattr(r, section).append(rr)
    r.id = 0x1234
    return r.to_wire()


seeds["query"] = dns.message.make_query("www.example.test.", "A", want_dnssec=True).to_wire()
seeds["a"] = answer("www.example.test.", "A", [("www.example.test.", 300, "A", ["192.0.2.1", "192.0.2.2"])])
seeds["aaaa_mx_ns"] = answer("example.test.", "MX", [
    ("example.test.", 300, "MX", ["10 mail.example.test.", "20 mx.example.net."]),
    ("example.test.", 300, "NS", ["ns1.example.test."]),
    ("mail.example.test.", 300, "AAAA", ["2001:db8::1"])])
seeds["dnskey"] = answer("example.test.", "DNSKEY", [("example.test.", 3600, "DNSKEY", [
    "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
    "256 3 8 AwEAAcL1TimEJeVyGqZR6GJxXlTlIPMA+yxUuDivKrMP2kR3mJQvV5XL"]),
    ("example.test.", 3600, "RRSIG", [
        "DNSKEY 13 2 3600 20240101000000 20231201000000 12345 example.test. "
        "uPjf3p7Sg48R4FUu3zoT6tR+3Kkmjx9LGPeu28uP5ZG1XdPGTlZpeNDqiZoMOxS6qXAHVIsn7mwmpTXf2Fm3Rg=="])])
seeds["ds"] = answer("sub.example.test.", "DS", [("sub.example.test.", 300, "DS", [
    "12345 13 2 1D103789CDCFEE69D0383C47C27E735546689CEE20484E140570517C68B5DAE8",
    "12345 13 4 " + "AB" * 48])])
seeds["nxdomain_nsec"] = answer("nope.example.test.", "A", [
    ("example.test.", 300, "SOA", ["ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"]),
    ("example.test.", 300, "NSEC", ["www.example.test. NS SOA RRSIG NSEC DNSKEY"]),
    ("example.test.", 300, "RRSIG", [
        "NSEC 13 2 300 20240101000000 20231201000000 12345 example.test. AQIDBA=="])],
    rcode=dns.rcode.NXDOMAIN, section="authority")
seeds["nodata_nsec3"] = answer("www.example.test.", "TXT", [
    ("example.test.", 300, "SOA", ["ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"]),
    ("2vptu5timamqttgl4luu9kg21e0aor3s.example.test.", 300, "NSEC3",
     ["1 1 0 - 2vptu5timamqttgl4luu9kg21e0aor3t A RRSIG"]),
    ("example.test.", 300, "NSEC3PARAM", ["1 0 0 -"])], section="authority")
seeds["svcb_txt_caa"] = answer("svc.example.test.", "HTTPS", [
    ("svc.example.test.", 300, "HTTPS", ['1 . alpn="h2,h3" port=443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1']),
    ("svc.example.test.", 300, "TXT", ['"hello" "world"']),
    ("svc.example.test.", 300, "CAA", ['0 issue "ca.example.net"'])])
seeds["referral_glue"] = answer("www.sub.example.test.", "A", [
    ("sub.example.test.", 300, "NS", ["ns.sub.example.test.", "ns.example.net."])], section="authority")
seeds["tc"] = answer("big.example.test.", "TXT", [], flags=[dns.flags.TC])
seeds["no_edns"] = answer("www.example.test.", "CNAME", [
    ("www.example.test.", 300, "CNAME", ["web.example.test."])], edns=False)
seeds["servfail"] = answer("www.example.test.", "A", [], rcode=dns.rcode.SERVFAIL)
q = dns.message.make_query("www.example.test.", "A", use_edns=0, options=[
    dns.edns.GenericOption(10, b"\x01\x02\x03\x04\x05\x06\x07\x08"), dns.edns.GenericOption(15, b"\x00\x06")])
seeds["edns_options"] = q.to_wire()
seeds["badvers"] = answer("www.example.test.", "A", [], rcode=dns.rcode.BADVERS)
seeds["unknown_type"] = answer("x.example.test.", "TYPE65280", [("x.example.test.", 60, "TYPE65280", [r"\# 3 010203"])])
# Broken on purpose: a compression loop, a truncated header, counts beyond the data.
seeds["pointer_loop"] = bytes.fromhex("123481800001000100000000") + b"\xc0\x0c\x00\x01\x00\x01" + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01"
seeds["short_header"] = bytes.fromhex("12348180000100")
seeds["counts_too_big"] = bytes.fromhex("1234818000ff00ff00ff00ff") + b"\x03www\x00\x00\x01\x00\x01"
for name, wire in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(wire)
print(f"{len(seeds)} seeds in {out}")
