#!/usr/bin/env python3
"""What the end-to-end tests assert about `zonewarden status --json` (docs/operations.md,
schema 1) and about what the servers serve.

  check.py get STATUS ZONE EXPR        print a Python expression over the zone's object `z`
                                       (and `keys`, `tags(role)`, `settled`) — e.g. 'z["state"]'
  check.py served --zone Z --child A... --parent A...
                                       print what the servers serve, as JSON: DNSKEY tags per
                                       child address, CDS tags per child, DS per parent
  check.py compare STATUS ZONE --child A... --parent A... [--allow-cds-delete]
                                       exit 1 unless every child address serves exactly the
                                       DNSKEY tags status publishes (and CDS tags), and every
                                       parent address exactly the DS tags, with no duplicate
                                       DS; prints each difference
  check.py settled STATUS ZONE         exit 0 when every key's records are at its goal
                                       (omnipresent or hidden) and nothing is waiting
  check.py schema STATUS               exit 1 (naming the field) unless STATUS follows the
                                       documented schema 1 of docs/operations.md"""

import argparse
import json
import sys

import dns.dnssec

import dnsquery


def zone_of(status_file, zone):
    with open(status_file) as f:
        st = json.load(f)
    assert st.get("schema") == 1, "status schema %r" % st.get("schema")
    zone = zone if zone.endswith(".") else zone + "."
    for z in st["zones"]:
        if z["zone"] == zone:
            return z
    raise SystemExit("zone %s not in status (%s)" % (zone, ", ".join(z["zone"] for z in st["zones"])))


STATES = {"unsigned", "securing", "secure", "rolling", "offboarding", "insecure", "stuck"}
RECORD_STATES = {"hidden", "rumoured", "omnipresent", "unretentive"}
GATES = {"policy", "safety", "observation", "time"}
ROLE_RECORDS = {"ksk": {"dnskey", "krrsig", "ds"}, "zsk": {"dnskey", "zrrsig"},
                "csk": {"dnskey", "krrsig", "zrrsig", "ds"}}


def schema_problems(st):
    """docs/operations.md, `status --json` (schema 1): field names, types and values."""
    p = []

    def need(obj, key, types, where, nullable=False):
        if key not in obj:
            p.append("%s: no %r" % (where, key))
            return None
        v = obj[key]
        if v is None and nullable:
            return None
        if not isinstance(v, types) or (isinstance(v, bool) and types is not bool):  # True is an int
            p.append("%s.%s: %r is not %s" % (where, key, v, types))
            return None
        return v

    def rfc3339(v, where):
        import re
        if v is not None and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", v):
            p.append("%s: %r is not RFC 3339 UTC" % (where, v))

    if st.get("schema") != 1:
        p.append("schema: %r" % st.get("schema"))
    rfc3339(need(st, "generated", str, "status"), "generated")
    for z in need(st, "zones", list, "status") or []:
        w = "zone %s" % z.get("zone")
        need(z, "zone", str, w)
        need(z, "tenant", str, w)
        need(z, "policy", str, w)
        need(z, "registrar", str, w)
        if need(z, "state", str, w) not in STATES:
            p.append("%s.state: %r" % (w, z.get("state")))
        need(z, "serial", int, w, nullable=True)
        pub = need(z, "published", dict, w) or {}
        for k in ("dnskey", "ds", "cds"):
            v = need(pub, k, list, w + ".published")
            if v is not None and not all(isinstance(t, int) for t in v):
                p.append("%s.published.%s: %r" % (w, k, v))
        for k in need(z, "keys", list, w) or []:
            kw = "%s key %s" % (w, k.get("id"))
            for f in ("id", "algorithm"):
                need(k, f, int, kw)
            # null between the decision to make a key and its generation (docs/rollover.md:
            # "tag once generated"); status can be read by another process at that moment.
            need(k, "tag", int, kw, nullable=True)
            role = need(k, "role", str, kw)
            if need(k, "goal", str, kw) not in ("omnipresent", "hidden"):
                p.append("%s.goal: %r" % (kw, k.get("goal")))
            recs = need(k, "records", dict, kw) or {}
            if role in ROLE_RECORDS and not set(recs) <= ROLE_RECORDS[role]:
                p.append("%s.records: %s for a %s" % (kw, sorted(recs), role))
            for name, r in recs.items():
                if need(r, "state", str, kw + "." + name) not in RECORD_STATES:
                    p.append("%s.%s.state: %r" % (kw, name, r.get("state")))
                need(r, "published", bool, kw + "." + name)
                rfc3339(need(r, "since", str, kw + "." + name, nullable=True), kw + "." + name + ".since")
        for x in need(z, "waiting", list, w) or []:
            xw = w + " waiting"
            need(x, "key", int, xw)
            need(x, "tag", int, xw, nullable=True)
            # record and tag are null for "key material not generated yet" (a key decided in
            # this pass; not in the docs' schema, reported).
            need(x, "record", str, xw, nullable=True)
            if need(x, "gate", str, xw) not in GATES:
                p.append("%s.gate: %r" % (xw, x.get("gate")))
            rfc3339(need(x, "since", str, xw, nullable=True), xw + ".since")
            rfc3339(need(x, "until", str, xw, nullable=True), xw + ".until")
            need(x, "why", str, xw)
        rfc3339(need(z, "next_event", str, w, nullable=True), w + ".next_event")
        rfc3339(need(z, "earliest_signature_expiry", str, w, nullable=True), w + ".earliest_signature_expiry")
        stuck = need(z, "stuck", dict, w, nullable=True)
        if stuck is not None:
            need(stuck, "cycle", bool, w + " stuck")
            need(stuck, "path", str, w + " stuck")
            for x in need(stuck, "waits", list, w + " stuck") or []:
                need(x, "key", int, w + " stuck wait")
                need(x, "tag", int, w + " stuck wait", nullable=True)
                need(x, "record", str, w + " stuck wait", nullable=True)
                if need(x, "gate", str, w + " stuck wait") not in ("policy", "safety"):
                    p.append("%s stuck wait.gate: %r" % (w, x.get("gate")))
                need(x, "why", str, w + " stuck wait")
        if (z.get("state") == "stuck") != (stuck is not None):
            p.append("%s: state %r with stuck %r" % (w, z.get("state"), stuck))
        lc = need(z, "last_check", dict, w, nullable=True)
        if lc is not None:
            rfc3339(need(lc, "at", str, w + " last_check"), w + " last_check.at")
            need(lc, "ok", bool, w + " last_check")
            need(lc, "detail", str, w + " last_check", nullable=True)
    return p



def is_settled(z):
    for k in z.get("keys", []):
        goal = k.get("goal")
        for rec, r in k.get("records", {}).items():
            if r.get("state") != goal:
                return False
    return not z.get("waiting")


def helpers(z):
    keys = z.get("keys", [])

    def tags(role=None, goal=None):
        return sorted(k["tag"] for k in keys if k.get("tag") is not None
                      and (role is None or k["role"] == role) and (goal is None or k.get("goal") == goal))
    return {"z": z, "keys": keys, "tags": tags, "settled": is_settled(z)}


def served(zone, children, parents, timeout=2.0):
    out = {"dnskey": {}, "cds": {}, "ds": {}, "ds_dups": {}, "errors": []}
    for a in children:
        try:
            ans = dnsquery.query(a, zone, "DNSKEY", recurse=False, timeout=timeout)
            out["dnskey"][a] = sorted(dns.dnssec.key_id(r) for r in dnsquery.rdatas(ans, "DNSKEY"))
            ans = dnsquery.query(a, zone, "CDS", recurse=False, timeout=timeout)
            out["cds"][a] = sorted(r.key_tag for r in dnsquery.rdatas(ans, "CDS"))
        except OSError as e:
            out["errors"].append("%s: %s" % (a, e or "timeout"))
    for a in parents:
        try:
            ans = dnsquery.query(a, zone, "DS", recurse=False, timeout=timeout)
        except OSError as e:
            out["errors"].append("%s: %s" % (a, e or "timeout"))
            continue
        ds = dnsquery.rdatas(ans, "DS")
        out["ds"][a] = sorted(set(d.key_tag for d in ds))
        # Same tag, algorithm and digest type twice means two entries for one key.
        keys = ["%d %d %d" % (d.key_tag, d.algorithm, d.digest_type) for d in ds]
        out["ds_dups"][a] = sorted(set(k for k in keys if keys.count(k) > 1))
    return out


def compare(z, s, allow_cds_delete=False):
    problems = []
    pub = z.get("published", {})
    want_dnskey, want_ds, want_cds = (sorted(pub.get(k, [])) for k in ("dnskey", "ds", "cds"))
    for a, tags in s["dnskey"].items():
        if tags != want_dnskey:
            problems.append("DNSKEY at %s: serves %s, status publishes %s" % (a, tags, want_dnskey))
    for a, tags in s["cds"].items():
        if tags != want_cds and not (allow_cds_delete and tags == [0] and not want_cds):
            problems.append("CDS at %s: serves %s, status publishes %s" % (a, tags, want_cds))
    for a, tags in s["ds"].items():
        if tags != want_ds:
            problems.append("DS at %s: serves %s, status wants %s" % (a, tags, want_ds))
        if s["ds_dups"].get(a):
            problems.append("DS at %s: duplicate entries %s" % (a, s["ds_dups"][a]))
    problems += ["no answer: %s" % e for e in s["errors"]]
    return problems


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("get")
    g.add_argument("status")
    g.add_argument("zone")
    g.add_argument("expr")
    for name in ("served", "compare"):
        c = sub.add_parser(name)
        if name == "compare":
            c.add_argument("status")
            c.add_argument("zone")
            c.add_argument("--allow-cds-delete", action="store_true")
        else:
            c.add_argument("--zone", required=True)
        c.add_argument("--child", nargs="+", default=[])
        c.add_argument("--parent", nargs="+", default=[])
    t = sub.add_parser("settled")
    t.add_argument("status")
    t.add_argument("zone")
    sc = sub.add_parser("schema")
    sc.add_argument("status")
    a = ap.parse_args()

    if a.cmd == "schema":
        with open(a.status) as f:
            problems = schema_problems(json.load(f))
        for p in problems[:20]:
            print("SCHEMA %s" % p)
        return 1 if problems else 0
    if a.cmd == "get":
        v = eval(a.expr, {}, helpers(zone_of(a.status, a.zone)))  # test-side expressions only
        print(json.dumps(v) if not isinstance(v, str) else v)
        return 0
    if a.cmd == "settled":
        return 0 if is_settled(zone_of(a.status, a.zone)) else 1
    zone = a.zone if a.zone.endswith(".") else a.zone + "."
    s = served(zone, a.child, a.parent)
    if a.cmd == "served":
        print(json.dumps(s, sort_keys=True))
        return 0
    problems = compare(zone_of(a.status, zone), s, a.allow_cds_delete)
    for p in problems:
        print("MISMATCH %s: %s" % (zone, p))
    if not problems:
        print("OK %s: servers serve what status publishes: DNSKEY %s, DS %s, CDS %s" % (
            zone, next(iter(s["dnskey"].values()), []), next(iter(s["ds"].values()), []),
            next(iter(s["cds"].values()), [])))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
