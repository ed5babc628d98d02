"""Shared parts of the registrar API simulators: an HTTPS server on a loopback address, the
parent zone they publish accepted DS sets to (RFC 2136 UPDATE through nsupdate with TSIG),
DNSSEC arithmetic, and fault injection driven by the tests through /_sim/ endpoints.

Facts used here: the DNSKEY RDATA layout (flags, protocol 3, algorithm, key) of RFC 4034
§2.1; the key tag of RFC 4034 Appendix B; the DS digest over owner name and RDATA of RFC
4034 §5.1.4 (SHA-256: RFC 4509; SHA-384: RFC 6605); public key lengths of RFC 6605 §4
(ECDSA P-256: 64 bytes, P-384: 96) and RFC 8080 §3 (Ed25519: 32, Ed448: 57). Which
algorithms a registry accepts is each simulator's business (key_problem's default list is
an assumption of the Gandi simulator, whose sources do not publish one)."""

import base64
import hashlib
import http.server
import json
import ssl
import struct
import subprocess
import sys
import threading
import time


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.lower().encode()
    return out + b"\0"


def dnskey_rdata(flags, algorithm, public_key):
    return struct.pack("!HBB", flags, 3, algorithm) + public_key


def key_tag(rdata):
    """RFC 4034 Appendix B."""
    acc = 0
    for i, b in enumerate(rdata):
        acc += b if i & 1 else b << 8
    acc += (acc >> 16) & 0xFFFF
    return acc & 0xFFFF


def ds_digest(zone, rdata, digest_type=2):
    h = {1: hashlib.sha1, 2: hashlib.sha256, 4: hashlib.sha384}[digest_type]
    return h(name_wire(zone) + rdata).hexdigest().upper()


# Public key lengths by algorithm (RFC 6605, RFC 8080); RSA only has a floor.
KEY_LENGTHS = {13: 64, 14: 96, 15: 32, 16: 57}


def key_problem(flags, algorithm, public_key_b64):
    if flags not in (256, 257):
        return "flags", "must be 256 or 257"
    if algorithm not in (8, 13, 14, 15, 16):
        return "algorithm", "unsupported algorithm %r" % (algorithm,)
    try:
        key = base64.b64decode(public_key_b64, validate=True)
    except Exception:
        return "public_key", "not valid base64"
    want = KEY_LENGTHS.get(algorithm)
    if (want is not None and len(key) != want) or (algorithm == 8 and len(key) < 64):
        return "public_key", "wrong length %d for algorithm %d" % (len(key), algorithm)
    return None


class Parent:
    """The registry side: replaces the child's DS RRset in the loopback parent zone."""

    def __init__(self, server, tsig_file, zone, ttl=30):
        self.server, self.tsig_file, self.zone, self.ttl = server, tsig_file, zone, ttl
        self.lock = threading.Lock()

    def publish(self, ds_lines):
        script = "server %s\nupdate delete %s DS\n" % (self.server, self.zone)
        for ds in ds_lines:
            script += "update add %s %d IN DS %s\n" % (self.zone, self.ttl, ds)
        script += "send\n"
        with self.lock:
            for attempt in range(3):
                r = subprocess.run(["nsupdate", "-t", "3", "-k", self.tsig_file], input=script,
                                   text=True, capture_output=True, timeout=15)
                if r.returncode == 0:
                    log("parent: published %d DS for %s" % (len(ds_lines), self.zone))
                    return
                log("parent: nsupdate failed (attempt %d): %s" % (attempt + 1, r.stderr.strip()))
                time.sleep(0.2)
        raise RuntimeError("nsupdate failed")


class Faults:
    """Faults queued by the test: each matches a method and applies once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.queue = []

    def add(self, spec):
        with self.lock:
            self.queue.append(spec)

    def take(self, method, path):
        with self.lock:
            for i, f in enumerate(self.queue):
                if f.get("method", method) == method and f.get("path", "") in path:
                    return self.queue.pop(i)
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sim = None  # set by serve()

    def log_message(self, fmt, *args):
        log("%s %s" % (self.address_string(), fmt % args))

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status, obj, headers=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        try:
            self.send_response(status)
            if obj is not None:
                self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, str(v))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError) as e:
            log("client went away before the answer: %s" % e)

    def dispatch(self, method):
        raw = self.body()
        if self.path.startswith("/_sim/"):
            return self.control(method, raw)
        with self.sim.lock:
            self.sim.requests.append("%s %s" % (method, self.path.split("?")[0]))
        fault = self.sim.faults.take(method, self.path)
        kind = fault["kind"] if fault else None
        if kind == "status":
            return self.send_json(fault["status"], fault.get("json"), fault.get("headers"))
        status, obj, headers = self.sim.handle(self, method, raw)
        if kind == "delay_after_commit":
            # The change is made; the answer comes too late (a timeout, or a killed client).
            log("fault: committed, answering after %ss" % fault["seconds"])
            time.sleep(float(fault["seconds"]))
        self.send_json(status, obj, headers)

    def control(self, method, raw):
        if method == "POST" and self.path == "/_sim/fault":
            self.sim.faults.add(json.loads(raw))
            return self.send_json(200, {"ok": True})
        if method == "GET" and self.path == "/_sim/state":
            with self.sim.lock:
                state = self.sim.state()
                state["requests"] = list(self.sim.requests)
            return self.send_json(200, state)
        if method == "POST" and self.path == "/_sim/set":
            self.sim.configure(json.loads(raw))
            return self.send_json(200, {"ok": True})
        return self.send_json(404, {"error": "no such control"})

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PUT(self):
        self.dispatch("PUT")


class Sim:
    def __init__(self):
        self.lock = threading.RLock()
        self.faults = Faults()
        self.requests = []

    def configure(self, settings):
        for k, v in settings.items():
            setattr(self, k, v)


def serve(sim, addr, port, cert, key):
    Handler.sim = sim
    httpd = http.server.ThreadingHTTPServer((addr, port), Handler)
    httpd.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    log("serving https://%s:%d/" % (addr, port))
    httpd.serve_forever()
