#!/usr/bin/env python3
"""An OVHcloud API simulator for the DS records of one domain.

Modelled on the API's documented behaviour: GET /auth/time is the server clock (here
offset from the real one by --time-offset, so a client that signs with its own clock
fails); every other call carries X-Ovh-Application/-Consumer/-Timestamp/-Signature and is
refused with {"errorCode": "QUERY_TIME_OUT"} outside a +-SKEW window, INVALID_SIGNATURE on
a bad signature, INVALID_KEY / INVALID_CREDENTIAL on unknown keys; POST .../dsRecord
replaces the whole set through a task that goes todo -> doing -> done (or error), and only
then do the records change (and the parent zone with them); at most --max-entries keys;
one pending DS task at a time (409); errors as {"class", "message"}."""

import argparse
import base64
import hashlib
import json
import threading
import time

import sim_common as sc

# The function name of a DS-update task is an assumption (not pinned down by the public docs).
FUNCTION = "DomainDsUpdate"


class Ovh(sc.Sim):
    def __init__(self, args):
        super().__init__()
        creds = json.load(open(args.credentials_file))
        self.ak, self.as_, self.ck = creds["application_key"], creds["application_secret"], creds["consumer_key"]
        self.domain = args.domain
        self.time_offset = args.time_offset
        self.skew = args.skew
        self.max_entries = args.max_entries
        self.todo_seconds, self.doing_seconds = args.todo_seconds, args.doing_seconds
        self.fail_next_task = ""
        self.records = {}  # id -> record
        self.next_record = 100
        self.tasks = {}
        self.next_task = 5000
        self.posts = 0
        self.parent = sc.Parent(args.parent, args.tsig_file, args.domain + ".")

    def now(self):
        return int(time.time()) + int(self.time_offset)

    def state(self):
        return {"records": list(self.records.values()), "tasks": list(self.tasks.values()), "posts": self.posts}

    @staticmethod
    def client_error(status, cls, message):
        return status, {"class": cls, "message": message}, {}

    @staticmethod
    def auth_error(status, code, message):
        return status, {"errorCode": code, "httpCode": "%d %s" % (status, "Bad Request" if status == 400 else "Forbidden"),
                        "message": message}, {}

    def check_signature(self, req, method, raw):
        h = req.headers
        if h.get("X-Ovh-Application") != self.ak:
            return self.auth_error(403, "INVALID_KEY", "Invalid application key")
        if h.get("X-Ovh-Consumer") != self.ck:
            return self.auth_error(403, "INVALID_CREDENTIAL", "This credential is not valid")
        try:
            ts = int(h.get("X-Ovh-Timestamp", ""))
        except ValueError:
            return self.auth_error(400, "INVALID_SIGNATURE", "Invalid signature")
        if abs(ts - self.now()) > self.skew:
            return self.auth_error(400, "QUERY_TIME_OUT", "Query out of time")
        url = "https://%s%s" % (h.get("Host"), req.path)
        text = "+".join([self.as_, self.ck, method, url, raw.decode(), str(ts)])
        if h.get("X-Ovh-Signature") != "$1$" + hashlib.sha1(text.encode()).hexdigest():
            return self.auth_error(400, "INVALID_SIGNATURE", "Invalid signature")
        return None

    def run_task(self, task, keys):
        time.sleep(self.todo_seconds)
        with self.lock:
            task["status"] = "doing"
        time.sleep(self.doing_seconds)
        with self.lock:
            if self.fail_next_task:
                task["status"], task["comment"] = "error", self.fail_next_task
                self.fail_next_task = ""
                return
            self.records = {}
            for k in keys:
                rid = self.next_record
                self.next_record += 1
                self.records[rid] = {"id": rid, "algorithm": k["algorithm"], "flags": k["flags"],
                                     "publicKey": k["publicKey"], "tag": k["tag"], "status": "enabled"}
            self.parent.publish(["%d %d 2 %s" % (r["tag"], r["algorithm"], sc.ds_digest(
                self.domain, sc.dnskey_rdata(r["flags"], r["algorithm"], base64.b64decode(r["publicKey"]))))
                for r in self.records.values()])
            task["status"], task["doneDate"] = "done", self.now()

    def handle(self, req, method, raw):
        path, _, query = req.path.partition("?")
        if path == "/1.0/auth/time" and method == "GET":
            return 200, self.now(), {}
        refused = self.check_signature(req, method, raw)
        if refused:
            return refused
        parts = path.strip("/").split("/")  # 1.0 domain {name} dsRecord|task [id]
        if len(parts) < 4 or parts[:2] != ["1.0", "domain"]:
            return self.client_error(404, "Client::NotFound", "Got an invalid (or empty) URL")
        if parts[2] != self.domain:
            return self.client_error(404, "Client::NotFound", "This service does not exist")
        with self.lock:
            if parts[3] == "dsRecord" and len(parts) == 4 and method == "GET":
                return 200, sorted(self.records), {}
            if parts[3] == "dsRecord" and len(parts) == 5 and method == "GET":
                r = self.records.get(int(parts[4])) if parts[4].isdigit() else None
                if r is None:
                    return self.client_error(404, "Client::NotFound", "The requested object (id = %s) does not exist" % parts[4])
                return 200, r, {}
            if parts[3] == "dsRecord" and len(parts) == 4 and method == "POST":
                return self.post(raw)
            if parts[3] == "task" and len(parts) == 4 and method == "GET":
                q = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                return 200, [t["id"] for t in self.tasks.values()
                             if q.get("status", t["status"]) == t["status"]
                             and q.get("function", t["function"]) == t["function"]], {}
            if parts[3] == "task" and len(parts) == 5 and method == "GET":
                t = self.tasks.get(int(parts[4])) if parts[4].isdigit() else None
                if t is None:
                    return self.client_error(404, "Client::NotFound", "The requested object (id = %s) does not exist" % parts[4])
                return 200, t, {}
        return self.client_error(405, "Client::MethodNotAllowed", "Method not allowed")

    def post(self, raw):
        try:
            keys = json.loads(raw)["keys"]
            assert isinstance(keys, list)
        except (ValueError, KeyError, AssertionError, TypeError):
            return self.client_error(400, "Client::BadRequest", "Invalid body: expected {\"keys\": [...]}")
        if len(keys) > self.max_entries:
            return self.client_error(400, "Client::BadRequest",
                                     "Too many keys: the registry accepts at most %d" % self.max_entries)
        for k in keys:
            try:
                problem = sc.key_problem(k["flags"], k["algorithm"], k["publicKey"])
                tag = sc.key_tag(sc.dnskey_rdata(k["flags"], k["algorithm"], base64.b64decode(k["publicKey"])))
            except (KeyError, TypeError, ValueError):
                return self.client_error(400, "Client::BadRequest", "Invalid key: algorithm, flags, publicKey and tag are required")
            if problem:
                return self.client_error(400, "Client::BadRequest", "Invalid key %s: %s" % problem)
            if tag != k.get("tag"):
                return self.client_error(400, "Client::BadRequest", "Invalid key: tag %s does not match the key (%d)" % (k.get("tag"), tag))
        if any(t["status"] in ("todo", "doing") for t in self.tasks.values()):
            return self.client_error(409, "Client::Conflict::TaskAlreadyPending", "A DNSSEC update task is already pending")
        tid = self.next_task
        self.next_task += 1
        task = {"id": tid, "function": FUNCTION, "status": "todo", "comment": "", "creationDate": self.now()}
        self.tasks[tid] = task
        self.posts += 1
        threading.Thread(target=self.run_task, args=(task, keys), daemon=True).start()
        return 200, task, {}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", required=True)
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--credentials-file", required=True)
    p.add_argument("--domain", default="child.test")
    p.add_argument("--parent", required=True)
    p.add_argument("--tsig-file", required=True)
    p.add_argument("--time-offset", type=int, default=0, help="server clock minus real clock, seconds")
    p.add_argument("--skew", type=int, default=30)
    p.add_argument("--max-entries", type=int, default=4)
    p.add_argument("--todo-seconds", type=float, default=0.5)
    p.add_argument("--doing-seconds", type=float, default=0.5)
    args = p.parse_args()
    assert args.addr.startswith("127.") or args.addr == "::1", "loopback only"
    sc.serve(Ovh(args), args.addr, args.port, args.cert, args.key)


if __name__ == "__main__":
    main()
