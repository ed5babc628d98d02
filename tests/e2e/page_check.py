#!/usr/bin/env python3
"""Reads the status page's DOM (as Chromium rendered it) back and holds it against
`status --json` taken at the same moment:

  page_check.py DOM STATUS ZONE [BLOCKING_SERVER]

- the zone is listed once, with the state status gives it;
- in its timeline every record of every key has a bar ending at "now" (not projected)
  whose state is the record's state in status, and the bars cover the window without
  gaps from the key's first to "now";
- a zone that is still moving has projected bars after now;
- each wait of status is listed, and BLOCKING_SERVER (if given) is named as blocking."""

import json
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, zone):
        super().__init__()
        self.zone, self.inside, self.depth = zone, False, 0
        self.zone_attrs, self.svg, self.rects, self.waits, self.servers = None, None, [], [], []
        self.count, self.in_server, self.markers, self.band = 0, False, [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "zone" in a.get("class", "").split():
            if a.get("data-name") == self.zone:
                self.count += 1
                self.inside, self.depth, self.zone_attrs = True, 0, a
        if not self.inside:
            return
        if tag == "li":
            self.depth += 1
        if tag == "svg":
            self.svg = a
        if tag == "g" and "band" in a.get("class", "").split():
            self.band = a
        if tag == "rect" and "data-from" in a:
            classes = a.get("class", "").split()
            state = [c[2:] for c in classes if c.startswith("s-")]
            self.rects.append({"data-key": self.band.get("data-key"), "data-record": self.band.get("data-record"),
                               "data-state": state[0] if state else None, "data-from": a["data-from"],
                               "data-to": a["data-to"], "projected": "projected" in classes})
        if tag == "circle" and "wait" in a.get("class", "").split():
            self.markers.append(a)
        if tag == "li" and "wait" in a.get("class", "").split():
            self.waits.append(a)
        if tag == "code" and "server" in a.get("class", "").split():
            self.in_server = True
            self.servers.append("")

    def handle_endtag(self, tag):
        if self.inside and tag == "li":
            self.depth -= 1
            if self.depth == 0:
                self.inside = False
        if tag == "code":
            self.in_server = False

    def handle_data(self, data):
        if self.in_server:
            self.servers[-1] += data


def main():
    dom, status, zone = sys.argv[1], sys.argv[2], sys.argv[3]
    blocking = sys.argv[4] if len(sys.argv) > 4 else ""
    page = Page(zone)
    page.feed(open(dom).read())
    z = next(z for z in json.load(open(status))["zones"] if z["zone"] == zone)
    bad = []
    if page.count != 1:
        bad.append("zone listed %d times" % page.count)
    if page.zone_attrs and page.zone_attrs.get("data-state") != z["state"]:
        bad.append("page says %s, status %s" % (page.zone_attrs.get("data-state"), z["state"]))
    if not page.svg:
        bad.append("no timeline")
    else:
        now, start = int(page.svg["data-now"]), int(page.svg["data-from"])
        for k in z["keys"]:
            key = str(k["tag"]) if k["tag"] is not None else "#%d" % k["id"]
            for record, st in k["records"].items():
                bars = sorted((int(r["data-from"]), int(r["data-to"]), r["data-state"]) for r in page.rects
                              if r["data-key"] == key and r["data-record"] == record and not r["projected"])
                if not bars:
                    bad.append("%s %s: no bar" % (key, record))
                    continue
                if bars[-1][1] != now or bars[-1][2] != st["state"]:
                    bad.append("%s %s: bar at now is %s until %d, status says %s (now %d)"
                               % (key, record, bars[-1][2], bars[-1][1], st["state"], now))
                for (_, to, _), (frm, _, _) in zip(bars, bars[1:]):
                    if to != frm:
                        bad.append("%s %s: gap between %d and %d" % (key, record, to, frm))
                if bars[0][0] < start:
                    bad.append("%s %s: a bar starts before the window" % (key, record))
        moving = z["state"] != "secure" or z["waiting"]
        projected = [r for r in page.rects if r["projected"]]
        if moving and not projected:
            bad.append("a moving zone without projected bars")
        if any(int(r["data-from"]) < now for r in projected):
            bad.append("a projected bar starts before now")
    listed = {(w.get("data-key"), w.get("data-record")) for w in page.waits}
    for w in z["waiting"]:
        if (str(w["key"]), w["record"] or "") not in listed:
            bad.append("wait of key %s %s not listed" % (w["key"], w["record"]))
    if blocking and blocking not in page.servers:
        bad.append("%s not named as blocking (named: %s)" % (blocking, page.servers))
    if blocking and not any(m.get("class", "").endswith("gate-observation") for m in page.markers):
        bad.append("no wait marker on the timeline")
    for b in bad:
        print("  " + b)
    print("%s: %d bars, %d projected, %d waits listed, blocking %s: %d problems"
          % (zone, len(page.rects), sum(r["projected"] for r in page.rects), len(page.waits),
             page.servers, len(bad)))
    sys.exit(1 if bad else 0)


main()
