"""A tiny DNS client for the end-to-end tests: one UDP query (TCP when truncated), the
header flags, the rcode and the answer records as (name, type, ttl, rdata bytes). No
external packages; only what the poller and the CDS scanner need."""

import random
import socket
import struct

TYPES = {"A": 1, "NS": 2, "SOA": 6, "DS": 43, "RRSIG": 46, "DNSKEY": 48, "CDS": 59, "CDNSKEY": 60}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
FLAG_QR, FLAG_AA, FLAG_TC, FLAG_RD, FLAG_RA, FLAG_AD, FLAG_CD = (
    0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0020, 0x0010)


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def build_query(qname, qtype, recurse=True, dnssec=True):
    """Query with EDNS0 (1232 bytes), DO when dnssec, and AD set so a validating resolver
    reports validation (RFC 6840 §5.7)."""
    qid = random.randint(0, 0xFFFF)
    flags = (FLAG_RD if recurse else 0) | FLAG_AD
    header = struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 1)
    question = name_wire(qname) + struct.pack("!HH", TYPES[qtype], 1)
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0x8000 if dnssec else 0, 0)
    return qid, header + question + opt


def skip_name(msg, off):
    while True:
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def read_name(msg, off, depth=0):
    labels = []
    while depth < 64:
        n = msg[off]
        if n == 0:
            break
        if n & 0xC0 == 0xC0:
            ptr = struct.unpack("!H", msg[off:off + 2])[0] & 0x3FFF
            labels.append(read_name(msg, ptr, depth + 1).rstrip("."))
            break
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
        depth += 1
    return ".".join(x for x in labels if x) + "."


class Answer:
    def __init__(self, msg):
        (self.id, self.flags, qd, an, ns, ar) = struct.unpack("!HHHHHH", msg[:12])
        self.rcode = self.flags & 0xF
        self.records = []  # answer section: (owner, type, ttl, rdata)
        off = 12
        for _ in range(qd):
            off = skip_name(msg, off) + 4
        for _ in range(an):
            owner = read_name(msg, off)
            off = skip_name(msg, off)
            rtype, _cls, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10
            self.records.append((owner, rtype, ttl, msg[off:off + rdlen]))
            off += rdlen

    @property
    def ad(self):
        return bool(self.flags & FLAG_AD)

    @property
    def rcode_text(self):
        return RCODES.get(self.rcode, str(self.rcode))

    def of_type(self, qtype):
        return [r for r in self.records if r[1] == TYPES[qtype]]


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


def query(server, qname, qtype, recurse=True, timeout=2.0, port=53):
    """One exchange; raises socket.timeout / OSError when there is no answer."""
    qid, wire = build_query(qname, qtype, recurse)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, (server, port))
        while True:
            data, _ = s.recvfrom(65535)
            if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                break
    ans = Answer(data)
    if ans.flags & FLAG_TC:
        with socket.create_connection((server, port), timeout=timeout) as s:
            s.sendall(struct.pack("!H", len(wire)) + wire)
            n = struct.unpack("!H", _recv_exact(s, 2))[0]
            ans = Answer(_recv_exact(s, n))
    return ans


def key_tag(rdata):
    """RFC 4034 Appendix B, over DNSKEY/CDNSKEY rdata."""
    acc = 0
    for i, b in enumerate(rdata):
        acc += b if i & 1 else b << 8
    acc += (acc >> 16) & 0xFFFF
    return acc & 0xFFFF


def ds_text(rdata):
    """DS/CDS rdata as 'tag alg digesttype HEX'."""
    tag, alg, dtype = struct.unpack("!HBB", rdata[:4])
    return "%d %d %d %s" % (tag, alg, dtype, rdata[4:].hex().upper())
