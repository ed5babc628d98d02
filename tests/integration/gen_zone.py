#!/usr/bin/env python3
"""Deterministic generator of unsigned test zones for zonewarden.

    gen_zone.py --origin example.test. --records N --shape hosting|delegations \
                [--seed S] [--ns-addr 127.X.Y.Z] > zone

The same arguments always give the same bytes. N counts resource records (not
names) and is met within a few records (the last group may overshoot a little);
the fixed fixture part below is always present, so a tiny N gives the fixture only.

Every zone, whatever the shape, contains these names (relative to the origin),
which the integration tests query by name:

  @                SOA, NS ns1 + NS ns2 (in-zone, with A/AAAA), MX 10 mail, TXT
  ns1, ns2         A (the --ns-addr address, so a test can point them at its server)
  www              A + AAAA            (query TXT here for a NODATA answer)
  mail             A
  alias            CNAME www           (in-zone CNAME)
  ftp              CNAME www.example.net.  (out-of-zone CNAME target)
  *.wild           A + TXT             (wildcard; `wild` itself is an empty non-terminal)
  a.b.c            A                   (`b.c` and `c` are empty non-terminals)
  multi            TXT with several character strings
  secure           NS ns1.secure + DS  (secure delegation, glue ns1.secure A --ns-addr)
  insecure         NS ns1.insecure     (insecure delegation, no DS, glue A --ns-addr;
                                        opted out under NSEC3 opt-out)
  tampered         A                   (a name whose RRSIG the tests corrupt)

Data addresses come from the documentation ranges (RFC 5737 / RFC 3849); every glue
address (an address a resolver could be sent to) is in 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys

WORDS = (
    "alpha", "atlas", "beacon", "birch", "cedar", "comet", "delta", "ember", "falcon",
    "fjord", "garnet", "harbor", "iris", "juniper", "kestrel", "lagoon", "maple",
    "meadow", "nimbus", "onyx", "orchid", "pine", "quartz", "raven", "sable", "sierra",
    "summit", "tundra", "umber", "vale", "willow", "xenon", "yarrow", "zephyr",
)
HOSTERS = ("ns.hoster-a.example.net.", "ns.hoster-b.example.org.", "dns.provider.example.com.")
DOC_V4 = ("192.0.2.", "198.51.100.", "203.0.113.")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="generate a deterministic unsigned test zone")
    p.add_argument("--origin", required=True, help="zone origin, e.g. example.test.")
    p.add_argument("--records", type=int, required=True, help="approximate number of RRs")
    p.add_argument("--shape", choices=("hosting", "delegations"), required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ns-addr", default="127.0.0.1",
                   help="IPv4 address (127.0.0.0/8) for the apex NS and fixture glue")
    p.add_argument("--ttl", type=int, default=3600, help="default TTL ($TTL)")
    a = p.parse_args(argv)
    if not a.origin.endswith("."):
        a.origin += "."
    if a.records < 0:
        p.error("--records must be >= 0")
    if not a.ns_addr.startswith("127."):
        p.error("--ns-addr must be a loopback address in 127.0.0.0/8")
    return a


class Zone:
    """Collects presentation-format lines and counts records."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def rr(self, owner: str, rtype: str, rdata: str, ttl: int | None = None) -> None:
        ttl_s = f" {ttl}" if ttl is not None else ""
        self.lines.append(f"{owner}{ttl_s}\tIN\t{rtype}\t{rdata}\n")
        self.count += 1


def fixture(z: Zone, a: argparse.Namespace, rng: random.Random) -> None:
    o = a.origin
    z.lines.append(f"$ORIGIN {o}\n$TTL {a.ttl}\n")
    z.rr("@", "SOA", f"ns1.{o} hostmaster.{o} 2024010101 7200 3600 1209600 300")
    z.rr("@", "NS", "ns1")
    z.rr("@", "NS", "ns2")
    z.rr("@", "MX", "10 mail")
    z.rr("@", "TXT", '"v=spf1 mx -all"')
    z.rr("ns1", "A", a.ns_addr)
    z.rr("ns1", "AAAA", "::1")
    z.rr("ns2", "A", a.ns_addr)
    z.rr("www", "A", "192.0.2.80")
    z.rr("www", "AAAA", "2001:db8::80")
    z.rr("mail", "A", "192.0.2.25")
    z.rr("alias", "CNAME", "www")
    z.rr("ftp", "CNAME", "www.example.net.")
    z.rr("*.wild", "A", "192.0.2.81")
    z.rr("*.wild", "TXT", '"wildcard"')
    z.rr("a.b.c", "A", "192.0.2.82")
    z.rr("multi", "TXT", '"first string" "second string with spaces" "3rd;semi\\"quote"')
    z.rr("secure", "NS", "ns1.secure")
    z.rr("secure", "DS", ds_rdata(rng, "secure"))
    z.rr("ns1.secure", "A", a.ns_addr)
    z.rr("insecure", "NS", "ns1.insecure")
    z.rr("ns1.insecure", "A", a.ns_addr)
    z.rr("tampered", "A", "192.0.2.66")


def ds_rdata(rng: random.Random, label: str, digest_type: int = 2) -> str:
    """A DS with a real-looking key tag and a digest of the right length."""
    tag = rng.randrange(1, 65536)
    alg = rng.choice((8, 13, 13, 13, 15))
    material = f"{label}-{rng.getrandbits(64)}".encode()
    digest = (hashlib.sha256(material) if digest_type == 2 else hashlib.sha384(material)).hexdigest()
    return f"{tag} {alg} {digest_type} {digest.upper()}"


def v4(rng: random.Random) -> str:
    return f"{rng.choice(DOC_V4)}{rng.randrange(1, 255)}"


def v6(rng: random.Random) -> str:
    return f"2001:db8:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}"


def loop_v4(rng: random.Random) -> str:
    # Glue: a resolver may be sent there, so it stays in 127.0.0.0/8 (never 127.0.0.1).
    return f"127.{rng.randrange(200, 255)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def hosting_group(z: Zone, i: int, rng: random.Random) -> None:
    """One customer web site: about 6-12 records across a handful of names."""
    site = f"{rng.choice(WORDS)}-{i}"
    z.rr(site, "A", v4(rng))
    if rng.random() < 0.6:
        z.rr(site, "AAAA", v6(rng))
    z.rr(site, "MX", f"10 mx1.{site}")
    if rng.random() < 0.5:
        z.rr(site, "MX", f"20 mx2.{site}")
        z.rr(f"mx2.{site}", "A", v4(rng))
    z.rr(site, "TXT", f'"v=spf1 a mx ip4:{v4(rng)} -all"')
    z.rr(f"www.{site}", "CNAME", site)
    z.rr(f"mx1.{site}", "A", v4(rng))
    r = rng.random()
    if r < 0.3:
        z.rr(f"_dmarc.{site}", "TXT", f'"v=DMARC1; p=quarantine; rua=mailto:dmarc@{site}"')
    elif r < 0.45:
        # `_tcp.<site>` becomes an empty non-terminal.
        z.rr(f"_imaps._tcp.{site}", "SRV", f"0 1 993 mx1.{site}")
    elif r < 0.55:
        z.rr(f"shop.{site}", "CNAME", f"shops.{rng.choice(WORDS)}.example.com.")
    elif r < 0.65:
        z.rr(f"sel{rng.randrange(9)}._domainkey.{site}", "TXT",
             f'"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ{rng.getrandbits(120):030x}"')
    if rng.random() < 0.2:
        z.rr(f"dev.{site}", "A", v4(rng), ttl=300)


def delegation_group(z: Zone, i: int, rng: random.Random) -> None:
    """One delegated customer zone (about 70%) or a bit of ordinary data."""
    if rng.random() < 0.15:
        host = f"{rng.choice(WORDS)}-host-{i}"
        z.rr(host, "A", v4(rng))
        if rng.random() < 0.5:
            z.rr(host, "AAAA", v6(rng))
        if rng.random() < 0.3:
            z.rr(f"www.{host}", "CNAME", host)
        return
    child = f"{rng.choice(WORDS)}{i}"
    if rng.random() < 0.55:
        # In-bailiwick servers with glue.
        for n in (1, 2):
            z.rr(child, "NS", f"ns{n}.{child}")
            z.rr(f"ns{n}.{child}", "A", loop_v4(rng))
            if rng.random() < 0.3:
                z.rr(f"ns{n}.{child}", "AAAA", v6(rng))
    else:
        first = rng.randrange(len(HOSTERS))
        z.rr(child, "NS", HOSTERS[first])
        z.rr(child, "NS", HOSTERS[(first + 1) % len(HOSTERS)])
    if rng.random() < 0.3:
        z.rr(child, "DS", ds_rdata(rng, child, 2))
        if rng.random() < 0.2:
            z.rr(child, "DS", ds_rdata(rng, child, 4))


def main(argv: list[str]) -> int:
    a = parse_args(argv)
    rng = random.Random(a.seed)
    z = Zone()
    fixture(z, a, rng)
    group = hosting_group if a.shape == "hosting" else delegation_group
    out = sys.stdout
    i = 0
    while z.count < a.records:
        group(z, i, rng)
        i += 1
        if len(z.lines) >= 65536:
            out.write("".join(z.lines))
            z.lines.clear()
    out.write("".join(z.lines))
    out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        sys.exit(1)
