#!/usr/bin/env python3
"""Validating poller: asks the validating resolver every --interval seconds, for each
tenant zone, www.<zone>/A, <zone>/SOA and <zone>/DNSKEY, and counts what a user of the
zone would see.

A failure is:
  - any rcode other than NOERROR (SERVFAIL above all: the chain of trust broke), or no
    answer at all from the resolver within --timeout;
  - an answer without AD while the zone *must* be secure. The zone must be secure once
    every parent server has served its DS for at least --grace seconds in a row (so
    resolvers may still hold the parent's earlier "no DS" proof for its negative TTL
    just after the DS appears). The poller finds that out itself, each round, by asking
    every --parent address for <zone>/DS directly (no recursion). As soon as one parent
    server stops serving the DS (offboarding), answers without AD are expected and
    counted apart, never as failures; SERVFAIL always is one.

It stops by itself after --max-seconds or --max-rounds, on SIGTERM/SIGINT, or when
--stop-file exists, and then writes the JSON summary to --out. Every failure is logged
to stderr with the time, query, rcode and flags."""

import argparse
import json
import os
import signal
import socket
import sys
import time

import dnsquery

stop = False


def on_signal(_sig, _frame):
    global stop
    stop = True


def log(msg):
    print("%s poller: %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


class ZoneStats:
    def __init__(self, zone):
        self.zone = zone
        self.queries = self.noerror = self.servfail = self.other_rcode = self.timeouts = 0
        self.ad = self.no_ad_expected = self.no_ad_failures = 0
        self.ds_since = None  # when every parent server started serving the DS (this run)
        self.secure_rounds = 0
        self.first_ad = None

    def summary(self):
        return {
            "queries": self.queries, "noerror": self.noerror, "servfail": self.servfail,
            "other_rcode": self.other_rcode, "timeouts": self.timeouts, "ad": self.ad,
            "no_ad_expected": self.no_ad_expected, "no_ad_failures": self.no_ad_failures,
            "secure_rounds": self.secure_rounds,
            "failures": self.servfail + self.other_rcode + self.timeouts + self.no_ad_failures,
        }


def ds_everywhere(zone, parents, timeout):
    """True when every parent address serves a DS RRset for zone (answer section)."""
    if not parents:
        return False
    for p in parents:
        try:
            a = dnsquery.query(p, zone, "DS", recurse=False, timeout=timeout)
        except (socket.timeout, OSError):
            return False
        if a.rcode() != 0 or not dnsquery.rdatas(a, "DS"):
            return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resolver", required=True)
    ap.add_argument("--zone", action="append", required=True)
    ap.add_argument("--parent", action="append", default=[], help="parent server address (all of them)")
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--grace", type=float, default=8.0)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--max-rounds", type=int, default=2400)
    ap.add_argument("--stop-file")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    for addr in [a.resolver] + a.parent:
        assert addr.startswith("127.") or addr == "::1", "loopback only: %s" % addr

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    zones = [z if z.endswith(".") else z + "." for z in a.zone]
    stats = {z: ZoneStats(z) for z in zones}
    failures = []
    start = time.monotonic()
    rounds = 0
    log("polling %s at %s every %.1fs (at most %ds, %d rounds)" % (
        " ".join(zones), a.resolver, a.interval, a.max_seconds, a.max_rounds))
    while not stop and rounds < a.max_rounds and time.monotonic() - start < a.max_seconds:
        if a.stop_file:
            try:
                open(a.stop_file).close()
                break
            except OSError:
                pass
        t0 = time.monotonic()
        rounds += 1
        for z in zones:
            st = stats[z]
            if ds_everywhere(z, a.parent, a.timeout):
                if st.ds_since is None:
                    st.ds_since = t0
            else:
                st.ds_since = None
            must_be_secure = st.ds_since is not None and t0 - st.ds_since >= a.grace
            st.secure_rounds += must_be_secure
            for qname, qtype in (("www." + z, "A"), (z, "SOA"), (z, "DNSKEY")):
                st.queries += 1
                now = time.strftime("%H:%M:%S") + ("%.3f" % (time.time() % 1))[1:]
                problem = None
                try:
                    ans = dnsquery.query(a.resolver, qname, qtype, timeout=a.timeout)
                except (socket.timeout, OSError) as e:
                    st.timeouts += 1
                    problem = {"rcode": "TIMEOUT", "detail": str(e) or "timeout"}
                else:
                    if ans.rcode() == 0:
                        st.noerror += 1
                    elif ans.rcode() == 2:
                        st.servfail += 1
                        problem = {"rcode": "SERVFAIL"}
                    else:
                        st.other_rcode += 1
                        problem = {"rcode": dnsquery.rcode_text(ans)}
                    if dnsquery.authenticated(ans):
                        st.ad += 1
                        if st.first_ad is None:
                            st.first_ad = now
                    elif ans.rcode() == 0:
                        if must_be_secure:
                            st.no_ad_failures += 1
                            problem = {"rcode": "NOERROR", "detail": "no AD while the DS is at every parent server"}
                        else:
                            st.no_ad_expected += 1
                if problem:
                    problem.update({"time": now, "qname": qname, "qtype": qtype})
                    if len(failures) < 200:
                        failures.append(problem)
                    log("FAILURE %s %s %s %s" % (now, qname, qtype, problem.get("rcode")) +
                        (" (%s)" % problem["detail"] if "detail" in problem else ""))
        elapsed = time.monotonic() - t0
        # Sleep in short steps so SIGTERM and the stop file are seen promptly.
        remaining = a.interval - elapsed
        while remaining > 0 and not stop:
            time.sleep(min(remaining, 0.1))
            remaining -= 0.1

    out = {
        "resolver": a.resolver, "rounds": rounds, "seconds": round(time.monotonic() - start, 1),
        "interval": a.interval, "zones": {z: s.summary() for z, s in stats.items()},
        "failures": sum(s.summary()["failures"] for s in stats.values()),
        "failure_log": failures,
    }
    with open(a.out + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
    os.replace(a.out + ".tmp", a.out)
    log("done after %d rounds, %.1fs: %s" % (rounds, out["seconds"], ", ".join(
        "%s %d queries %d SERVFAIL %d no-AD-failures %d ad" % (z, s.queries, s.servfail, s.no_ad_failures, s.ad)
        for z, s in stats.items())))


if __name__ == "__main__":
    main()
