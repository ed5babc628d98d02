#!/usr/bin/env python3
"""Random edits of a zone file made by gen_zone.py, for incremental-signing tests.

    edit_zone.py --seed S --edits N IN > OUT

Deterministic for a seed. Each edit is one of: delete a record, change an address,
add a name (with empty non-terminals above it), add a type at a name, add a delegation
with glue (and a DS half of the time), remove a delegation's NS and DS (its glue stays
as ordinary data below the apex), lower one record's TTL. The SOA serial goes up by one. Records
of the fixture names the tests query (see gen_zone.py) are left alone.
"""

from __future__ import annotations

import argparse
import random
import re
import sys

KEEP = re.compile(r"^(@|ns1|ns2|www|mail|alias|ftp|\*\.wild|a\.b\.c|multi|secure|ns1\.secure|insecure|"
                  r"ns1\.insecure|tampered)\s")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--edits", type=int, default=5)
    p.add_argument("zone")
    a = p.parse_args(argv)
    rng = random.Random(a.seed)
    with open(a.zone, encoding="utf-8") as f:
        lines = f.read().splitlines()
    head = [l for l in lines if l.startswith("$")]
    records = [l for l in lines if l and not l.startswith("$") and not l.startswith(";")]

    def editable() -> list[int]:
        return [i for i, l in enumerate(records) if not KEEP.match(l)]

    for n in range(a.edits):
        kind = rng.randrange(7)
        tag = f"e{a.seed}-{n}"
        if kind == 0:
            # Not addresses, NS or DS: the zone must stay loadable (glue, DS beside NS).
            cands = [i for i in editable() if records[i].split()[2] not in ("A", "AAAA", "NS", "DS")]
            if cands:
                del records[rng.choice(cands)]
        elif kind == 1:
            cands = [i for i in editable() if "\tA\t" in records[i]]
            if cands:
                i = rng.choice(cands)
                records[i] = re.sub(r"\tA\t.*$", f"\tA\t203.0.113.{rng.randrange(1, 255)}", records[i])
        elif kind == 2:
            records.append(f"x.y.{tag}\tIN\tAAAA\t2001:db8::{rng.randrange(1, 65535):x}")
        elif kind == 3:
            cands = editable()
            if cands:
                owner = records[rng.choice(cands)].split()[0]
                records.append(f"{owner}\tIN\tTXT\t\"added {tag}\"")
        elif kind == 4:
            records.append(f"{tag}\tIN\tNS\tns.{tag}")
            records.append(f"ns.{tag}\tIN\tA\t127.0.0.{rng.randrange(1, 255)}")
            if rng.randrange(2):
                digest = "".join(rng.choice("0123456789ABCDEF") for _ in range(64))
                records.append(f"{tag}\tIN\tDS\t{rng.randrange(1, 65535)} 13 2 {digest}")
        elif kind == 5:
            cuts = sorted({l.split()[0] for l in (records[i] for i in editable()) if "\tNS\t" in l})
            if cuts:
                cut = rng.choice(cuts)
                records = [l for l in records if not (l.split()[0] == cut and ("\tNS\t" in l or "\tDS\t" in l))]
        elif kind == 6:
            cands = editable()
            if cands:
                # One record's TTL: the RRset takes the lowest (RFC 2181 §5.2), so its TTL changes.
                i = rng.choice(cands)
                owner, rest = records[i].split(None, 1)
                records[i] = f"{owner}\t{rng.choice((60, 300, 600))}\t{rest}"
    for i, l in enumerate(records):
        m = re.match(r"^(@\s+IN\s+SOA\s+\S+\s+\S+\s+)(\d+)(.*)$", l)
        if m:
            records[i] = f"{m.group(1)}{int(m.group(2)) + 1}{m.group(3)}"
    sys.stdout.write("\n".join(head + records) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
