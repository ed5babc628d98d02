#!/usr/bin/env python3
"""An OVHcloud API simulator for the DS records of one domain, written from OVHcloud's
published definitions, not from zonewarden's adapter. Accepted changes are applied to the
loopback parent zone (RFC 2136 UPDATE by nsupdate), so live checks see them.

Sources (each fact below names its own):
  [SCH]  OVHcloud's API schema for /domain (the description its console serves at
         https://eu.api.ovh.com/1.0/domain.json), as kept in UrielCh/api-ovh-node
         code/gen/models/ovh-api/domain.ts: @4939570 (2023) and @4bb5f14 (June 2024, which
         adds the task status "problem")
  [TASK] OVHcloud guide "Tasks Management", https://docs.ovh.com/gb/en/domains/api-tasks/
  [PY]   ovh/python-ovh @3a1485d: ovh/client.py (call, raw_call, time_delta), ovh/exceptions.py
  [GO]   ovh/go-ovh @3557ca4: ovh/ovh.go (NewRequest, getTimeDelta, UnmarshalResponse),
         ovh/error.go (APIError)
  [ISS]  answers quoted in public issues: ovh/php-ovh#80 and #62 (INVALID_SIGNATURE body),
         qdm12/ddns-updater#319 (X-Ovh-Queryid header), mlabouardy/komiser#1490
         ({"class": "Client::BadRequest", "message": "Invalid signature"})

Requests and answers:
  - GET /auth/time: the server's clock, an integer, without authentication ([PY] time_delta,
    [GO] getTime). Here offset from the real clock by --time-offset.
  - Every other call carries X-Ovh-Application, X-Ovh-Consumer, X-Ovh-Timestamp and
    X-Ovh-Signature = "$1$" + sha1(AS+CK+METHOD+URL+BODY+TIMESTAMP joined by "+"), URL being
    the full URL with its query string ([PY] raw_call, [GO] NewRequest).
  - Errors: 403 {"errorCode": INVALID_KEY | INVALID_CREDENTIAL | NOT_CREDENTIAL |
    NOT_GRANTED_CALL | FORBIDDEN, "message"} ([PY] call); 400 {"errorCode":
    "INVALID_SIGNATURE", "httpCode": "400 Bad Request", "message": "Invalid signature"}
    ([ISS]); others {"class", "message"} ([GO] APIError, [ISS]); 400 bad parameters, 404 not
    found, 409 conflict ([PY] call). Every answer has an X-Ovh-QueryID header ([GO]
    UnmarshalResponse, [ISS]).
  - GET /domain/{name}/dsRecord: long[], filters flags (=, dnssec.KeyFlagEnum) and status (=,
    dnssec.KeyStatusEnum) ([SCH]).
  - GET /domain/{name}/dsRecord/{id}: domain.DnssecKey {id, algorithm
    (dnssec.KeyAlgorithmEnum: 5 7 8 10 13 14 15), flags (256 | 257), publicKey, status
    (dnssec.KeyStatusEnum), tag}, none nullable ([SCH] 2023; "dnssec.Key" in 2024).
  - POST /domain/{name}/dsRecord {"keys": dnssec.Key[]}: "Update DS records", answers a
    domain.Task ([SCH]); the records change when the task is done.
  - GET /domain/{name}/task: long[], filters function (like) and status (=,
    domain.OperationStatusEnum) ([SCH]); a value outside the enum is a 400 bad parameter.
  - GET /domain/{name}/task/{id}: domain.Task with all its properties: id, function, status,
    comment (nullable), domain (nullable), creationDate, todoDate, lastUpdate, doneDate
    (nullable), canAccelerate, canCancel, canRelaunch ([SCH]). Status one of todo, doing,
    done, error, cancelled ([SCH] 2023), and problem ([SCH] 2024); todo → doing → done
    nominally, error and cancelled otherwise ([TASK]). A DS update task's function is
    DomainDsUpdate ([TASK] "Task types"). comment is null unless the task has something to say
    ([TASK] sample task).
Assumptions (not pinned down by the sources, marked as such):
  - A timestamp outside a +-SKEW window is refused with 400 {"errorCode": "QUERY_TIME_OUT"}.
  - One pending DomainDsUpdate task at a time (409), at most --max-entries keys (400), and a
    `tag` that must match the key (400): registry-side checks, not in the schema.
  - What stays in "problem" or in a status outside every schema is driven by the test
    (/_sim/set {"next_status": ...}), to check that no status holds a client forever.
"""

import argparse
import base64
import fnmatch
import hashlib
import json
import threading
import time
import urllib.parse

import sim_common as sc

FUNCTION = "DomainDsUpdate"
TASK_STATUSES = ("cancelled", "doing", "done", "error", "problem", "todo")
KEY_ALGORITHMS = (5, 7, 8, 10, 13, 14, 15)
KEY_STATUSES = ("active", "generated", "published", "removed", "retired", "revoked")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))


def like(pattern, value):
    """SQL LIKE: % any run, _ one character."""
    glob = pattern.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]").replace("%", "*").replace("_", "?")
    return fnmatch.fnmatchcase(value, glob)


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
        self.fail_next_task = ""  # the next task ends in error with this comment
        self.next_status = ""  # the next task stays in this status
        self.records = {}  # id -> domain.DnssecKey
        self.next_record = 100
        self.tasks = {}
        self.next_task = 5000
        self.posts = 0
        self.queries = 0
        self.parent = sc.Parent(args.parent, args.tsig_file, args.domain + ".")

    def now(self):
        return int(time.time()) + int(self.time_offset)

    def state(self):
        return {"records": list(self.records.values()), "tasks": list(self.tasks.values()), "posts": self.posts}

    def answer(self, status, body):
        self.queries += 1
        return status, body, {"X-Ovh-QueryID": "EU.sim.%d" % self.queries}

    def client_error(self, status, cls, message):
        return self.answer(status, {"class": cls, "message": message})

    def auth_error(self, status, code, message):
        return self.answer(status, {"errorCode": code, "httpCode": "%d %s" % (status, "Bad Request" if status == 400
                                                                               else "Forbidden"), "message": message})

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
            task["status"], task["lastUpdate"] = "doing", iso(self.now())
        time.sleep(self.doing_seconds)
        with self.lock:
            task["lastUpdate"] = iso(self.now())
            if self.next_status:
                task["status"], task["comment"] = self.next_status, "waiting for the registry"
                self.next_status = ""
                return
            if self.fail_next_task:
                task["status"], task["comment"] = "error", self.fail_next_task
                task["canRelaunch"] = True
                self.fail_next_task = ""
                return
            self.records = {}
            for k in keys:
                rid = self.next_record
                self.next_record += 1
                self.records[rid] = {"id": rid, "algorithm": k["algorithm"], "flags": k["flags"],
                                     "publicKey": k["publicKey"], "tag": k["tag"], "status": "active"}
            self.parent.publish(["%d %d 2 %s" % (r["tag"], r["algorithm"], sc.ds_digest(
                self.domain, sc.dnskey_rdata(r["flags"], r["algorithm"], base64.b64decode(r["publicKey"]))))
                for r in self.records.values()])
            task["status"], task["doneDate"] = "done", iso(self.now())

    def handle(self, req, method, raw):
        path, _, query = req.path.partition("?")
        if path == "/1.0/auth/time" and method == "GET":
            return self.answer(200, self.now())
        refused = self.check_signature(req, method, raw)
        if refused:
            return refused
        parts = path.strip("/").split("/")  # 1.0 domain {name} dsRecord|task [id]
        if len(parts) < 4 or parts[:2] != ["1.0", "domain"]:
            return self.client_error(404, "Client::NotFound", "Got an invalid (or empty) URL")
        if parts[2] != self.domain:
            return self.client_error(404, "Client::NotFound", "This service does not exist")
        q = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
        with self.lock:
            if parts[3] == "dsRecord" and len(parts) == 4 and method == "GET":
                return self.list_records(q)
            if parts[3] == "dsRecord" and len(parts) == 5 and method == "GET":
                r = self.records.get(int(parts[4])) if parts[4].isdigit() else None
                if r is None:
                    return self.client_error(404, "Client::NotFound",
                                             "The requested object (id = %s) does not exist" % parts[4])
                return self.answer(200, r)
            if parts[3] == "dsRecord" and len(parts) == 4 and method == "POST":
                return self.post(raw)
            if parts[3] == "task" and len(parts) == 4 and method == "GET":
                return self.list_tasks(q)
            if parts[3] == "task" and len(parts) == 5 and method == "GET":
                t = self.tasks.get(int(parts[4])) if parts[4].isdigit() else None
                if t is None:
                    return self.client_error(404, "Client::NotFound",
                                             "The requested object (id = %s) does not exist" % parts[4])
                return self.answer(200, t)
        return self.client_error(405, "Client::MethodNotAllowed", "Method not allowed")

    def enum_error(self, name, value, enum):
        return self.client_error(400, "Client::BadRequest",
                                 "[%s] Given data (%s) does not belong to the %s enumeration" % (name, value, enum))

    def list_records(self, q):
        if "status" in q and q["status"] not in KEY_STATUSES:
            return self.enum_error("status", q["status"], "dnssec.KeyStatusEnum")
        if "flags" in q and q["flags"] not in ("256", "257"):
            return self.enum_error("flags", q["flags"], "dnssec.KeyFlagEnum")
        return self.answer(200, sorted(i for i, r in self.records.items()
                                       if q.get("status", r["status"]) == r["status"]
                                       and q.get("flags", str(r["flags"])) == str(r["flags"])))

    def list_tasks(self, q):
        if "status" in q and q["status"] not in TASK_STATUSES:
            return self.enum_error("status", q["status"], "domain.OperationStatusEnum")
        return self.answer(200, sorted(t["id"] for t in self.tasks.values()
                                       if q.get("status", t["status"]) == t["status"]
                                       and like(q.get("function", "%"), t["function"])))

    def post(self, raw):
        try:
            keys = json.loads(raw)["keys"]
            assert isinstance(keys, list)
        except (ValueError, KeyError, AssertionError, TypeError):
            return self.client_error(400, "Client::BadRequest", "Invalid body: expected {\"keys\": dnssec.Key[]}")
        if len(keys) > self.max_entries:
            return self.client_error(400, "Client::BadRequest",
                                     "Too many keys: the registry accepts at most %d" % self.max_entries)
        for k in keys:
            if not isinstance(k, dict) or any(f not in k for f in ("algorithm", "flags", "publicKey", "tag")):
                return self.client_error(400, "Client::BadRequest",
                                         "Invalid key: algorithm, flags, publicKey and tag are required")
            if k["algorithm"] not in KEY_ALGORITHMS:
                return self.enum_error("algorithm", k["algorithm"], "dnssec.KeyAlgorithmEnum")
            if k["flags"] not in (256, 257):
                return self.enum_error("flags", k["flags"], "dnssec.KeyFlagEnum")
            problem = sc.key_problem(k["flags"], k["algorithm"], k["publicKey"])
            if problem:
                return self.client_error(400, "Client::BadRequest", "Invalid key %s: %s" % problem)
            tag = sc.key_tag(sc.dnskey_rdata(k["flags"], k["algorithm"], base64.b64decode(k["publicKey"])))
            if tag != k["tag"]:
                return self.client_error(400, "Client::BadRequest",
                                         "Invalid key: tag %s does not match the key (%d)" % (k["tag"], tag))
        if any(t["function"] == FUNCTION and t["status"] in ("todo", "doing") for t in self.tasks.values()):
            return self.client_error(409, "Client::Conflict::TaskAlreadyPending", "A DNSSEC update task is already pending")
        tid = self.next_task
        self.next_task += 1
        now = iso(self.now())
        task = {"id": tid, "function": FUNCTION, "status": "todo", "comment": None, "domain": self.domain,
                "creationDate": now, "todoDate": now, "lastUpdate": now, "doneDate": None,
                "canAccelerate": False, "canCancel": False, "canRelaunch": False}
        self.tasks[tid] = task
        self.posts += 1
        threading.Thread(target=self.run_task, args=(task, keys), daemon=True).start()
        return self.answer(200, dict(task))


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
