#!/usr/bin/env python3
"""Corrupt, in place, every RRSIG over OWNER's TYPE RRset in a zone file written one
record per line (zonewarden's signed output): one base64 character in the middle of the
signature changes, so the record still loads but no longer verifies. Exit 1 if none.

    tamper_rrsig.py ZONE OWNER TYPE
"""
import sys


def main() -> int:
    path, owner, rtype = sys.argv[1], sys.argv[2].lower(), sys.argv[3].upper()
    out, done = [], 0
    with open(path) as f:
        for line in f:
            t = line.split()
            if len(t) > 12 and t[0].lower() == owner and t[3] == "RRSIG" and t[4] == rtype:
                sig = t[-1]
                i = len(sig) // 2
                t[-1] = sig[:i] + ("B" if sig[i] != "B" else "C") + sig[i + 1:]
                line = "\t".join(t) + "\n"
                done += 1
            out.append(line)
    with open(path, "w") as f:
        f.writelines(out)
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
