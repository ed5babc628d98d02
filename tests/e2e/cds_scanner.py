#!/usr/bin/env python3
"""A parent-side CDS scanner (RFC 7344 §4, RFC 8078) for the loopback parent: every
--interval seconds it asks every child server address for the child's CDS RRset and, when
they all agree, makes the parent's DS RRset equal to it by RFC 2136 UPDATE (nsupdate with
the TSIG key).

Acceptance, as a careful registry would do it:
  - every child address answers and all serve the same CDS set (RFC 7344 §4.1);
  - no CDS at all means "no change";
  - the delete form (CDS 0 0 0 00, RFC 8078 §4) removes the DS RRset;
  - the CDS must validate (AD from the validating resolver) while the child is secure;
    a child without DS yet is bootstrapped after --bootstrap-scans identical scans in a
    row ("accept after delay", RFC 8078 §3.3).

Every applied set is appended to --journal (JSON lines) so tests can count updates. The
scanner stops by itself after --max-seconds, on SIGTERM, or when --stop-file exists."""

import argparse
import json
import signal
import socket
import subprocess
import sys
import time

import dnsquery

stop = False


def on_signal(_sig, _frame):
    global stop
    stop = True


def log(msg):
    print("%s cds-scanner: %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def served_set(addr, zone, qtype, recurse=False, timeout=2.0):
    a = dnsquery.query(addr, zone, qtype, recurse=recurse, timeout=timeout)
    if a.rcode() != 0:
        raise OSError("rcode %s" % dnsquery.rcode_text(a))
    return a, sorted(set(r.to_text() for r in dnsquery.rdatas(a, qtype)))


def apply(args, zone, ds_set):
    script = "server %s\nzone %s\nupdate delete %s DS\n" % (args.parent_server, args.parent_zone, zone)
    for ds in ds_set:
        script += "update add %s %d IN DS %s\n" % (zone, args.ds_ttl, ds)
    script += "send\n"
    r = subprocess.run(["nsupdate", "-t", "3", "-k", args.tsig_file], input=script, text=True,
                       capture_output=True, timeout=15)
    if r.returncode != 0:
        log("nsupdate failed: %s" % r.stderr.strip())
        return False
    with open(args.journal, "a") as j:
        j.write(json.dumps({"at": time.time(), "zone": zone, "ds": ds_set}) + "\n")
    log("applied %d DS for %s: %s" % (len(ds_set), zone, " | ".join(d.split(" ")[0] for d in ds_set)))
    return True


def scan_once(args, zone, state):
    sets = []
    for addr in args.child:
        try:
            sets.append(served_set(addr, zone, "CDS")[1])
        except (socket.timeout, OSError) as e:
            state["candidate"], state["seen"] = None, 0
            return "child %s: %s" % (addr, e or "timeout")
    if any(s != sets[0] for s in sets):
        state["candidate"], state["seen"] = None, 0
        return "child servers disagree on CDS"
    cds = sets[0]
    if not cds:
        return None  # no CDS: no change (RFC 7344 §4.1)
    delete = any(c.split(" ")[1] == "0" for c in cds)
    want = [] if delete else cds
    _, parent_ds = served_set(args.parent_server, zone, "DS")
    if want == parent_ds:
        state["candidate"], state["seen"] = None, 0
        return None
    try:
        validated = dnsquery.query(args.resolver, zone, "CDS", timeout=2.0)
    except (socket.timeout, OSError) as e:
        return "resolver: %s" % (e or "timeout")
    if validated.rcode() != 0:
        return "resolver: CDS %s" % dnsquery.rcode_text(validated)
    if not dnsquery.authenticated(validated):
        if parent_ds:
            return "CDS does not validate while the child is secure; ignored"
        # Bootstrap (RFC 8078 §3.3): the same set at every server for a few scans.
        if state["candidate"] == want:
            state["seen"] += 1
        else:
            state["candidate"], state["seen"] = want, 1
        if state["seen"] < args.bootstrap_scans:
            return None
    if apply(args, zone, want):
        state["candidate"], state["seen"] = None, 0
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zone", required=True)
    ap.add_argument("--child", action="append", required=True, help="every child server address")
    ap.add_argument("--resolver", required=True, help="validating resolver")
    ap.add_argument("--parent-server", required=True, help="the parent's primary (takes UPDATE)")
    ap.add_argument("--parent-zone", required=True)
    ap.add_argument("--tsig-file", required=True)
    ap.add_argument("--ds-ttl", type=int, default=5)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--bootstrap-scans", type=int, default=3)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--journal", required=True)
    ap.add_argument("--stop-file")
    a = ap.parse_args()
    for addr in a.child + [a.resolver, a.parent_server]:
        assert addr.startswith("127.") or addr == "::1", "loopback only: %s" % addr
    signal.signal(signal.SIGTERM, on_signal)
    zone = a.zone if a.zone.endswith(".") else a.zone + "."
    state = {"candidate": None, "seen": 0}
    start = time.monotonic()
    last_note = None
    log("scanning %s at %s every %.1fs" % (zone, " ".join(a.child), a.interval))
    while not stop and time.monotonic() - start < a.max_seconds:
        if a.stop_file:
            try:
                open(a.stop_file).close()
                break
            except OSError:
                pass
        try:
            note = scan_once(a, zone, state)
        except (socket.timeout, OSError, subprocess.SubprocessError) as e:
            note = "scan failed: %s" % e
        if note and note != last_note:
            log(note)
        last_note = note
        time.sleep(a.interval)
    log("stopped")


if __name__ == "__main__":
    main()
