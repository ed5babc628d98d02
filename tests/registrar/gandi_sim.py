#!/usr/bin/env python3
"""A Gandi v5 domain API simulator for the DNSSEC keys of one domain.

Behaviour modelled on the documented API: Bearer tokens (401 in Gandi's error JSON
otherwise), GET .../dnskeys paginated with page/per_page and a Total-Count header, POST
answering 202 {"message"} with no id while the key only appears in the listing (and at the
registry) after --appear-after seconds, DELETE by id with 204, validation errors as
{"code", "message", "object", "cause", "errors": [{"location", "name", "description"}]}.
Duplicates are stored as the API gives no uniqueness guarantee: a client that re-sends a
POST whose answer it lost gets a second entry, which is what the tests must rule out."""

import argparse
import json
import threading
import time
import uuid

import sim_common as sc


class Gandi(sc.Sim):
    def __init__(self, args):
        super().__init__()
        self.args = args
        self.token = open(args.token_file).read().strip()
        self.domain = args.domain
        self.keys = []  # visible: dicts as listed
        self.pending = 0
        self.posts = 0
        self.appear_after = args.appear_after
        self.parent = sc.Parent(args.parent, args.tsig_file, args.domain + ".")

    def state(self):
        return {"keys": self.keys, "pending": self.pending, "posts": self.posts}

    def error(self, code, message, obj, cause="", errors=None):
        body = {"code": code, "message": message, "object": obj, "cause": cause}
        if errors:
            body["errors"] = errors
        return code, body, {}

    def publish(self):
        self.parent.publish(["%d %d %d %s" % (k["keytag"], k["algorithm"], k["digest_type"], k["digest"])
                             for k in self.keys])

    def appear(self, key):
        with self.lock:
            self.keys.append(key)
            self.pending -= 1
            self.publish()

    def handle(self, req, method, raw):
        if req.headers.get("Authorization") != "Bearer " + self.token:
            return self.error(401, "The server could not verify that you are authorized to access "
                                   "the URL requested.", "HTTPUnauthorized", "Unauthorized")
        path, _, query = req.path.partition("?")
        parts = path.strip("/").split("/")
        # v5/domain/domains/{fqdn}/dnskeys[/{id}]
        if len(parts) < 5 or parts[:3] != ["v5", "domain", "domains"] or parts[4] != "dnskeys":
            return self.error(404, "Not Found", "HTTPNotFound")
        if parts[3] != self.domain:
            return self.error(404, "The domain %s does not exist" % parts[3], "HTTPNotFound")
        with self.lock:
            if len(parts) == 5 and method == "GET":
                q = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                page, per_page = int(q.get("page", 1)), int(q.get("per_page", 100))
                chunk = self.keys[(page - 1) * per_page: page * per_page]
                return 200, chunk, {"Total-Count": len(self.keys)}
            if len(parts) == 5 and method == "POST":
                try:
                    body = json.loads(raw)
                    flags, alg, pub = body["flags"], body["algorithm"], body["public_key"]
                except (ValueError, KeyError, TypeError):
                    return self.error(400, "Bad Request", "HTTPBadRequest", "",
                                      [{"location": "body", "name": "body",
                                        "description": "flags, algorithm and public_key are required"}])
                problem = sc.key_problem(flags, alg, pub)
                if problem:
                    return self.error(400, "Bad Request", "HTTPBadRequest", "",
                                      [{"location": "body", "name": problem[0], "description": problem[1]}])
                import base64
                rdata = sc.dnskey_rdata(flags, alg, base64.b64decode(pub))
                key = {"id": str(uuid.uuid4()), "algorithm": alg, "flags": flags, "public_key": pub,
                       "keytag": sc.key_tag(rdata), "digest_type": 2,
                       "digest": sc.ds_digest(self.domain, rdata)}
                self.posts += 1
                self.pending += 1
                if self.appear_after > 0:
                    threading.Timer(self.appear_after, self.appear, [key]).start()
                else:
                    self.appear(key)
                return 202, {"message": "The DNSSEC key is being created"}, {}
            if len(parts) == 6 and method == "DELETE":
                for k in self.keys:
                    if k["id"] == parts[5]:
                        self.keys.remove(k)
                        self.publish()
                        return 204, None, {}
                return self.error(404, "The key %s does not exist" % parts[5], "HTTPNotFound")
        return self.error(405, "Method Not Allowed", "HTTPMethodNotAllowed")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", required=True)
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--domain", default="child.test")
    p.add_argument("--parent", required=True, help="address of the parent zone's primary")
    p.add_argument("--tsig-file", required=True)
    p.add_argument("--appear-after", type=float, default=1.0)
    args = p.parse_args()
    assert args.addr.startswith("127.") or args.addr == "::1", "loopback only"
    sc.serve(Gandi(args), args.addr, args.port, args.cert, args.key)


if __name__ == "__main__":
    main()
