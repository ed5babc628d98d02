#!/usr/bin/env python3
"""Copy a normalized zone (lib.sh zw_normalize) to stdout with every RRSIG over OWNER's
TYPE RRset corrupted: one base64 character of the signature is changed, so the record
still parses but no longer verifies. Exit 1 if there was no such RRSIG.

    tamper.py ZONE OWNER [TYPE]      (TYPE defaults to A)
"""
import sys


def main() -> int:
    path, owner = sys.argv[1], sys.argv[2].lower().rstrip(".") + "."
    rtype = sys.argv[3].upper() if len(sys.argv) > 3 else "A"
    done = 0
    with open(path) as f:
        for line in f:
            t = line.split()
            # owner ttl IN RRSIG covered alg labels origttl exp inc tag signer sig...
            if len(t) > 12 and t[0].lower() == owner and t[3] == "RRSIG" and t[4] == rtype:
                sig = t[-1]
                i = len(sig) // 2
                t[-1] = sig[:i] + ("B" if sig[i] != "B" else "C") + sig[i + 1:]
                line = "\t".join(t) + "\n"
                done += 1
            sys.stdout.write(line)
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
