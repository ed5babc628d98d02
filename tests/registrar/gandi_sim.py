#!/usr/bin/env python3
"""A Gandi v5 Domain API simulator for the DNSSEC keys of one domain, written from Gandi's
published definitions, not from zonewarden's adapter. Accepted changes are applied to the
loopback parent zone (RFC 2136 UPDATE by nsupdate), so live checks see them.

Sources (each fact below names its own):
  [REF]  Gandi API reference, Domain API, "DNSSEC Keys Management" and "DNSSEC Key deletion",
         https://api.gandi.net/docs/domains/ (routes /v5/domain/domains/{domain}/dnskeys and
         …/dnskeys/{id})
  [GEN]  Gandi API reference, general part, https://api.gandi.net/docs/reference/
  [LIVE] Gandi LiveDNS API reference, https://api.gandi.net/docs/livedns/ (the wording of the
         401 and 403 answers, shared by every v5 API)
  [GOG]  go-gandi/go-gandi @29df693: domain/types.go (DNSSECKey, DNSSECKeyCreateRequest),
         domain/domain.go (ListDNSSECKeys, CreateDNSSECKey, DeleteDNSSECKey),
         internal/client/gandi.go (askGandiCollection, doAskGandi), types/types.go
         (StandardResponse, StandardError)
  [TF]   go-gandi/terraform-provider-gandi @c38a15f: gandi/resource_dnsseckey.go

Requests and answers:
  - Authorization: "Bearer <personal access token>" ([GEN], [LIVE]; "Apikey" is deprecated).
    No or an unknown token: 401 ("Bad authentication attempt", [LIVE]). A token that exists
    but has no rights on this domain: 403 ("Access to the resource is denied. Mainly due to a
    lack of permissions", [LIVE]).
  - Error bodies: {"code", "message", "object", "cause"} ([REF], [LIVE]); a validation error
    (400) adds "errors": [{"location", "name", "description"}] ([GOG] types.StandardResponse
    and StandardError; location one of header, path, querystring, body [REF]).
  - GET …/dnskeys?page=&per_page= ([REF]): page default 1, minimum 1 (a page past the last is
    an empty list), per_page minimum 1. Answer: a JSON array of objects {algorithm (integer
    0-255), digest (string), digest_type (integer 0-255), href (string), id (integer),
    keytag (integer), type ("none" | "zsk" | "ksk"), public_key (string, optional)} — no
    `flags` ([REF]; the same fields in [GOG] DNSSECKey, where ID is an int). Headers
    Total-Count (all items), Filtered-Count (items in this answer) and Link with the next and
    last pages ([REF]); clients follow Link rel="next" ([GOG] askGandiCollection).
  - POST …/dnskeys with Content-Type: application/json ([GEN]) and the required properties
    algorithm (integer 0-255), type ("none" | "zsk" | "ksk") and public_key ([REF]; [GOG]
    DNSSECKeyCreateRequest). Answer: {"message"} with no id ([REF]). The key shows in the
    listing only later: clients poll the listing for a key with the same public_key ([TF]
    resourceDNSSECKeyCreate). Here: after --appear-after seconds.
  - DELETE …/dnskeys/{id} ([REF]; [GOG] DeleteDNSSECKey): answer {"message"}; here with 202,
    the key leaving the listing (and the parent) after --delete-after seconds, so a client
    must not take the answer for the change. An unknown id: 404.
Assumptions (not pinned down by the sources, marked as such):
  - The status codes of the POST and DELETE answers are not in the reference: 202 here.
  - Gandi's treatment of a key sent twice is not documented: both are stored, so a client that
    re-sends a POST whose answer it lost is caught by the tests.
  - The registry-side check of a key's length per algorithm (RFC 6605, RFC 8080) answers 400
    naming public_key, as any validation error ([REF] errors format).
  - What DS the registry publishes for a key of type "none" is not documented: the simulator
    publishes the DS of the key with flags 257.
"""

import argparse
import base64
import json
import threading
import urllib.parse

import sim_common as sc

FLAGS = {"ksk": 257, "zsk": 256, "none": 257}


class Gandi(sc.Sim):
    def __init__(self, args):
        super().__init__()
        self.token = open(args.token_file).read().strip()
        self.limited = open(args.limited_token_file).read().strip() if args.limited_token_file else None
        self.domain = args.domain
        self.base = "/v5/domain/domains/%s/dnskeys" % self.domain
        self.keys = []  # as listed
        self.pending = 0
        self.posts = 0
        self.next_id = 1000
        self.appear_after = args.appear_after
        self.delete_after = args.delete_after
        self.parent = sc.Parent(args.parent, args.tsig_file, args.domain + ".")

    def state(self):
        return {"keys": self.keys, "pending": self.pending, "posts": self.posts}

    @staticmethod
    def error(code, message, obj, cause="", errors=None):
        body = {"code": code, "message": message, "object": obj, "cause": cause}
        if errors:
            body["errors"] = errors
        return code, body, {}

    def invalid(self, location, name, description):
        return self.error(400, "Bad Request", "HTTPBadRequest", "",
                          [{"location": location, "name": name, "description": description}])

    def publish(self):
        self.parent.publish(["%d %d %d %s" % (k["keytag"], k["algorithm"], k["digest_type"], k["digest"])
                             for k in self.keys])

    def appear(self, key):
        with self.lock:
            self.keys.append(key)
            self.pending -= 1
            self.publish()

    def vanish(self, key):
        with self.lock:
            if key in self.keys:
                self.keys.remove(key)
                self.publish()

    def later(self, seconds, fn, key):
        if seconds > 0:
            threading.Timer(seconds, fn, [key]).start()
        else:
            fn(key)

    def handle(self, req, method, raw):
        auth = req.headers.get("Authorization", "")
        if auth not in ("Bearer " + self.token, "Bearer %s" % self.limited if self.limited else None):
            return self.error(401, "Bad authentication attempt because of a wrong API Key.", "HTTPUnauthorized",
                              "Unauthorized")
        path, _, query = req.path.partition("?")
        parts = path.strip("/").split("/")
        if len(parts) < 5 or parts[:3] != ["v5", "domain", "domains"] or parts[4] != "dnskeys":
            return self.error(404, "Not Found", "HTTPNotFound", "Not Found")
        if parts[3] != self.domain:
            return self.error(404, "The domain %s does not exist" % parts[3], "HTTPNotFound", "Not Found")
        if auth != "Bearer " + self.token:
            return self.error(403, "Access to the resource is denied. Mainly due to a lack of permissions to "
                                   "access it.", "HTTPForbidden", "Forbidden")
        with self.lock:
            if len(parts) == 5 and method == "GET":
                return self.list(query)
            if len(parts) == 5 and method == "POST":
                return self.create(req, raw)
            if len(parts) == 6 and method == "DELETE":
                for k in self.keys:
                    if str(k["id"]) == parts[5]:
                        self.later(self.delete_after, self.vanish, k)
                        return 202, {"message": "The DNSSEC key is being deleted"}, {}
                return self.error(404, "The key %s does not exist" % parts[5], "HTTPNotFound", "Not Found")
        return self.error(405, "Method Not Allowed", "HTTPMethodNotAllowed", "Method Not Allowed")

    def list(self, query):
        q = urllib.parse.parse_qs(query)
        try:
            page = int(q.get("page", ["1"])[0])
            per_page = int(q.get("per_page", ["100"])[0])
        except ValueError:
            return self.invalid("querystring", "page", "must be an integer")
        if page < 1 or per_page < 1:
            return self.invalid("querystring", "page" if page < 1 else "per_page", "minimum is 1")
        chunk = self.keys[(page - 1) * per_page: page * per_page]
        last = max(1, (len(self.keys) + per_page - 1) // per_page)
        url = "https://%s%s?page=%%d&per_page=%d" % (self.host, self.base, per_page)
        links = []
        if page < last:
            links.append('<%s>; rel="next"' % (url % (page + 1)))
        links.append('<%s>; rel="last"' % (url % last))
        return 200, chunk, {"Total-Count": len(self.keys), "Filtered-Count": len(chunk), "Link": ", ".join(links)}

    def create(self, req, raw):
        if not req.headers.get("Content-Type", "").startswith("application/json"):
            return self.invalid("header", "Content-Type", "must be application/json")
        try:
            body = json.loads(raw)
        except ValueError:
            return self.invalid("body", "body", "not JSON")
        if not isinstance(body, dict):
            return self.invalid("body", "body", "must be an object")
        for name in ("algorithm", "type", "public_key"):
            if name not in body:
                return self.invalid("body", name, "Required")
        alg, typ, pub = body["algorithm"], body["type"], body["public_key"]
        if type(alg) is not int or not 0 <= alg <= 255:
            return self.invalid("body", "algorithm", "integer between 0 and 255")
        if typ not in FLAGS:
            return self.invalid("body", "type", 'One of: "none", "zsk", "ksk"')
        if not isinstance(pub, str):
            return self.invalid("body", "public_key", "must be a string")
        problem = sc.key_problem(FLAGS[typ], alg, pub)
        if problem:
            return self.invalid("body", problem[0], problem[1])
        rdata = sc.dnskey_rdata(FLAGS[typ], alg, base64.b64decode(pub))
        key_id = self.next_id
        self.next_id += 1
        key = {"id": key_id, "algorithm": alg, "digest": sc.ds_digest(self.domain, rdata), "digest_type": 2,
               "keytag": sc.key_tag(rdata), "type": typ, "public_key": pub,
               "href": "https://%s%s/%d" % (self.host, self.base, key_id)}
        self.posts += 1
        self.pending += 1
        self.later(self.appear_after, self.appear, key)
        return 202, {"message": "The DNSSEC key is being created"}, {}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", required=True)
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--limited-token-file", help="a token that exists but has no rights on the domain (403)")
    p.add_argument("--domain", default="child.test")
    p.add_argument("--parent", required=True, help="address of the parent zone's primary")
    p.add_argument("--tsig-file", required=True)
    p.add_argument("--appear-after", type=float, default=1.0)
    p.add_argument("--delete-after", type=float, default=1.0)
    args = p.parse_args()
    assert args.addr.startswith("127.") or args.addr == "::1", "loopback only"
    sim = Gandi(args)
    sim.host = "%s:%d" % (args.addr, args.port)
    sc.serve(sim, args.addr, args.port, args.cert, args.key)


if __name__ == "__main__":
    main()
