#!/usr/bin/env python3
"""Structural checks on a signed zone that the generic verifiers do not make.

    check_signed.py --origin O --key-dir D --denial nsec|nsec3|nsec3-optout [--csk]
                    [--rsa-bits 2048] [--now EPOCH] ZONE

ZONE must be one RR per line with absolute owner names (lib.sh's zw_normalize:
`named-checkzone -D -s full`). Checks what zonewarden promises beyond "it validates":

  * the DNSKEY RRset is exactly the keys in the key directory;
  * the DNSKEY RRset is signed by every KSK; every other authoritative RRset by every
    ZSK and not by a KSK (or, with --csk, by the one key);
  * nothing at or below a zone cut is signed except DS and the denial records;
  * RRSIG fields: signer = origin, original TTL = RRset TTL, label count (wildcards);
    inception and expiration around the documented defaults (now - 1h, 14 d, jitter 12 h);
  * denial: NSEC only, or NSEC3 only with RFC 9276 parameters (SHA-1, 0 iterations, no
    salt); the opt-out flag exactly when asked for; with opt-out the insecure delegation
    has no NSEC3 of its own while the secure one does;
  * RSA keys have --rsa-bits bits.

Prints every problem found (at most 20 per kind) and exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import glob
import hashlib
import os
import sys
import time
from collections import defaultdict

DAY = 86400


def labels(name: str) -> list[bytes]:
    """Presentation-format name -> labels (escapes decoded, ASCII lowercased), root omitted."""
    out: list[bytes] = []
    cur = bytearray()
    i = 0
    while i < len(name):
        c = name[i]
        if c == "\\":
            if name[i + 1:i + 4].isdigit() and len(name[i + 1:i + 4]) == 3:
                cur.append(int(name[i + 1:i + 4]))
                i += 4
                continue
            cur += name[i + 1].encode()
            i += 2
            continue
        if c == ".":
            out.append(bytes(cur))
            cur = bytearray()
        else:
            cur += c.encode()
        i += 1
    if cur:
        out.append(bytes(cur))
    return [bytes(label).lower() for label in out if label]


def tokens(line: str) -> list[str]:
    """Split a presentation-format line into fields: backslash escapes and quoted strings
    stay inside their field, an unescaped ';' outside quotes starts a comment."""
    out: list[str] = []
    cur = ""
    in_quotes = False
    started = False
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]
            started = True
            i += 2
            continue
        if c == '"':
            in_quotes = not in_quotes
            cur += c
            started = True
        elif in_quotes:
            cur += c
        elif c == ";":
            break
        elif c.isspace():
            if started:
                out.append(cur)
                cur, started = "", False
        else:
            cur += c
            started = True
        i += 1
    if started:
        out.append(cur)
    return out


def render(labs: list[bytes]) -> str:
    """Labels -> one canonical presentation string, so equal names compare equal."""
    def lab(b: bytes) -> str:
        return "".join(chr(x) if 0x21 <= x <= 0x7E and chr(x) not in '.\\;()"$@' else f"\\{x:03d}" for x in b)
    return ".".join(lab(b) for b in labs) + "."


def canon(name: str) -> str:
    return render(labels(name))


def wire_name(name: str) -> bytes:
    return b"".join(bytes([len(l)]) + l for l in labels(name)) + b"\x00"


def nsec3_hash(name: str, salt_hex: str, iterations: int) -> str:
    salt = b"" if salt_hex in ("-", "") else bytes.fromhex(salt_hex)
    h = hashlib.sha1(wire_name(name) + salt).digest()
    for _ in range(iterations):
        h = hashlib.sha1(h + salt).digest()
    return base64.b32hexencode(h).decode().lower().rstrip("=")


def key_tag(flags: int, proto: int, alg: int, pub: bytes) -> int:
    rdata = flags.to_bytes(2, "big") + bytes([proto, alg]) + pub
    acc = 0
    for i, b in enumerate(rdata):
        acc += b if i & 1 else b << 8
    acc += (acc >> 16) & 0xFFFF
    return acc & 0xFFFF


def rsa_bits(pub: bytes) -> int:
    if pub[0] == 0:
        elen = int.from_bytes(pub[1:3], "big")
        mod = pub[3 + elen:]
    else:
        mod = pub[1 + pub[0]:]
    return len(mod.lstrip(b"\x00")) * 8


def parse_time(s: str) -> int:
    if len(s) == 14 and s.isdigit():
        return calendar.timegm(time.strptime(s, "%Y%m%d%H%M%S"))
    return int(s)


class Problems:
    def __init__(self) -> None:
        self.by_kind: dict[str, list[str]] = defaultdict(list)

    def add(self, kind: str, msg: str) -> None:
        self.by_kind[kind].append(msg)

    def report(self) -> int:
        for kind, msgs in self.by_kind.items():
            print(f"check_signed: {kind}: {len(msgs)} problem(s)", file=sys.stderr)
            for m in msgs[:20]:
                print(f"  {m}", file=sys.stderr)
        return 1 if self.by_kind else 0


def read_keys(key_dir: str, origin: str) -> list[dict]:
    keys = []
    for path in sorted(glob.glob(os.path.join(key_dir, f"K{origin}+*.key"))):
        if not os.path.exists(path[:-4] + ".private"):
            continue
        with open(path) as f:
            for line in f:
                line = line.split(";", 1)[0]
                t = line.split()
                if "DNSKEY" in t:
                    i = t.index("DNSKEY")
                    flags, proto, alg = int(t[i + 1]), int(t[i + 2]), int(t[i + 3])
                    pub = base64.b64decode("".join(t[i + 4:]))
                    keys.append({"file": os.path.basename(path), "flags": flags, "alg": alg,
                                 "tag": key_tag(flags, proto, alg, pub), "pub": pub})
                    break
    return keys


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--origin", required=True)
    ap.add_argument("--key-dir", required=True)
    ap.add_argument("--denial", choices=("nsec", "nsec3", "nsec3-optout"), required=True)
    ap.add_argument("--csk", action="store_true")
    ap.add_argument("--rsa-bits", type=int)
    ap.add_argument("--now", type=int, default=int(time.time()))
    ap.add_argument("zone")
    a = ap.parse_args(argv)
    origin = canon(a.origin)
    origin_labels = labels(origin)
    p = Problems()

    rrsets: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    ttls: dict[tuple[str, str], int] = {}
    sigs: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    names: set[str] = set()
    with open(a.zone) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith(";"):
                continue
            t = tokens(line)
            if len(t) < 4 or t[2].upper() != "IN":
                p.add("parse", f"line {n}: expected 'owner ttl IN type rdata': {line.strip()[:100]}")
                continue
            owner, ttl, rtype, rdata = canon(t[0]), int(t[1]), t[3].upper(), t[4:]
            if labels(owner)[-len(origin_labels):] != origin_labels:
                p.add("out-of-zone", f"line {n}: {owner} is not under {origin}")
                continue
            names.add(owner)
            if rtype == "RRSIG":
                sigs[(owner, rdata[0].upper())].append(rdata + [str(ttl)])
            else:
                rrsets[(owner, rtype)].append(rdata)
                if ttls.setdefault((owner, rtype), ttl) != ttl:
                    p.add("ttl", f"{owner} {rtype}: records of one RRset have different TTLs")

    if (origin, "SOA") not in rrsets:
        p.add("apex", f"no SOA at {origin}")
        return p.report()

    # Keys: the DNSKEY RRset must be exactly the key directory's keys.
    keys = read_keys(a.key_dir, origin)
    if not keys:
        p.add("keys", f"no K{origin}+*.key/.private pairs in {a.key_dir}")
        return p.report()
    want = sorted((k["flags"], k["alg"], k["pub"]) for k in keys)
    got = []
    for rd in rrsets.get((origin, "DNSKEY"), []):
        got.append((int(rd[0]), int(rd[2]), base64.b64decode("".join(rd[3:]))))
    if sorted(got) != want:
        p.add("dnskey", f"DNSKEY RRset has {len(got)} keys (flags/alg "
              f"{sorted((g[0], g[1]) for g in got)}), key dir has {len(want)} "
              f"({sorted((w[0], w[1]) for w in want)}) or the public keys differ")
    if a.rsa_bits:
        for k in keys:
            if k["alg"] in (5, 7, 8, 10) and rsa_bits(k["pub"]) != a.rsa_bits:
                p.add("rsa", f"{k['file']}: {rsa_bits(k['pub'])}-bit modulus, want {a.rsa_bits}")
    ksk_tags = {k["tag"] for k in keys if k["flags"] & 1}
    zsk_tags = {k["tag"] for k in keys if not k["flags"] & 1}
    if a.csk:
        if len(keys) != 1:
            p.add("keys", f"--csk but {len(keys)} keys in {a.key_dir}")
        zsk_tags = ksk_tags = {k["tag"] for k in keys}
    elif not ksk_tags or not zsk_tags:
        p.add("keys", f"want a KSK and a ZSK; KSK tags {sorted(ksk_tags)} ZSK tags {sorted(zsk_tags)}")

    # Zone cuts: owners of NS other than the apex.
    cuts = {o for (o, t) in rrsets if t == "NS" and o != origin}

    def below_cut(name: str) -> bool:
        labs = labels(name)
        for i in range(1, len(labs) - len(origin_labels)):
            if render(labs[i:]) in cuts:
                return True
        return False

    for (owner, rtype), rds in rrsets.items():
        covering = sigs.get((owner, rtype), [])
        at_cut = owner in cuts
        if below_cut(owner) or (at_cut and rtype not in ("DS", "NSEC")):
            if covering:
                p.add("signed-non-authoritative", f"{owner} {rtype} is glue or delegation data but has an RRSIG")
            continue
        tags = {int(s[6]) for s in covering}
        if rtype == "DNSKEY":
            need, forbid = ksk_tags, set()
        elif rtype in ("CDS", "CDNSKEY"):
            need, forbid = set(), set()
            if not tags & (ksk_tags | zsk_tags):
                p.add("unsigned", f"{owner} {rtype} has no RRSIG by a zone key")
        else:
            need, forbid = zsk_tags, (ksk_tags - zsk_tags)
        if need - tags:
            p.add("unsigned", f"{owner} {rtype}: no RRSIG by key tag(s) {sorted(need - tags)} (has {sorted(tags)})")
        if tags & forbid:
            p.add("ksk-signs-data", f"{owner} {rtype} is signed by KSK tag(s) {sorted(tags & forbid)}; only ZSKs should")
        owner_labels = labels(owner)
        nlabels = len(owner_labels) - (1 if owner_labels[0] == b"*" else 0)
        for s in covering:
            # RRSIG rdata: covered alg labels origttl expiration inception tag signer sig... ; ttl appended
            if canon(s[7]) != origin:
                p.add("rrsig-signer", f"{owner} {rtype}: signer {s[7]} is not {origin}")
            if int(s[2]) != nlabels:
                p.add("rrsig-labels", f"{owner} {rtype}: labels field {s[2]}, want {nlabels}")
            if int(s[3]) != ttls[(owner, rtype)] or int(s[-1]) != ttls[(owner, rtype)]:
                p.add("rrsig-ttl", f"{owner} {rtype}: original TTL {s[3]} / RRSIG TTL {s[-1]}, RRset TTL {ttls[(owner, rtype)]}")
            exp, inc = parse_time(s[4]), parse_time(s[5])
            if not a.now - DAY <= inc <= a.now + 60:
                p.add("rrsig-inception", f"{owner} {rtype}: inception {s[5]} is not within the last day (now {a.now})")
            if not a.now + 13 * DAY <= exp <= a.now + 15 * DAY:
                p.add("rrsig-expiration", f"{owner} {rtype}: expiration {s[4]} is not 14d +- 1d from now")
    for (owner, covered) in sigs:
        if (owner, covered) not in rrsets:
            p.add("orphan-rrsig", f"RRSIG at {owner} covers {covered}, which has no records")

    # Denial of existence.
    has = {t for (_, t) in rrsets}
    if a.denial == "nsec":
        if "NSEC" not in has:
            p.add("denial", "no NSEC records")
        if has & {"NSEC3", "NSEC3PARAM"}:
            p.add("denial", "NSEC3/NSEC3PARAM present in an NSEC zone")
        if (f"insecure.{origin}", "NSEC") not in rrsets:
            p.add("denial", f"no NSEC at insecure.{origin} (an insecure delegation needs one)")
    else:
        if "NSEC" in has:
            p.add("denial", "NSEC present in an NSEC3 zone")
        params = rrsets.get((origin, "NSEC3PARAM"), [])
        if len(params) != 1:
            p.add("denial", f"{len(params)} NSEC3PARAM records at the apex, want 1")
        else:
            alg, flags, iters, salt = params[0][:4]
            if (alg, flags, iters, salt) != ("1", "0", "0", "-"):
                p.add("rfc9276", f"NSEC3PARAM {' '.join(params[0])}, want '1 0 0 -' (RFC 9276 defaults)")
        want_flags = "1" if a.denial == "nsec3-optout" else "0"
        owners = set()
        for (owner, rtype), rds in rrsets.items():
            if rtype != "NSEC3":
                continue
            owners.add(labels(owner)[0].decode())
            for rd in rds:
                if rd[0] != "1" or rd[2] != "0" or rd[3] != "-":
                    p.add("rfc9276", f"{owner} NSEC3 {' '.join(rd[:4])}: want alg 1, 0 iterations, no salt")
                if rd[1] != want_flags:
                    p.add("optout-flag", f"{owner} NSEC3 flags {rd[1]}, want {want_flags} for {a.denial}")
        if not owners:
            p.add("denial", "no NSEC3 records")
        for label, must in ((f"secure.{origin}", True), (f"insecure.{origin}", a.denial == "nsec3")):
            present = nsec3_hash(label, "-", 0) in owners
            if present != must:
                p.add("optout", f"{label} {'has no' if must else 'has an'} NSEC3 of its own ({a.denial})")
    return p.report()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
