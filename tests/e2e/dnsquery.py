"""DNS queries for the end-to-end test scripts, through dnspython (python3-dnspython):
one exchange over UDP, again over TCP when the answer is truncated; EDNS0 with DO, and AD
set so that a validating resolver reports whether it validated (RFC 6840 §5.7)."""

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype


def query(server, qname, qtype, recurse=True, timeout=2.0, port=53):
    """The answer, a dns.message.Message; OSError when none came (timeout, refused,
    malformed)."""
    q = dns.message.make_query(qname, qtype, want_dnssec=True, payload=1232)
    q.flags |= dns.flags.AD
    if not recurse:
        q.flags &= ~dns.flags.RD
    try:
        answer, _ = dns.query.udp_with_fallback(q, server, timeout=timeout, port=port)
    except (dns.exception.DNSException, ValueError) as e:
        raise OSError(str(e) or type(e).__name__) from e
    return answer


def rdatas(answer, qtype):
    """The records of type qtype in the answer section."""
    t = dns.rdatatype.from_text(qtype)
    return [rd for rrset in answer.answer if rrset.rdtype == t for rd in rrset]


def authenticated(answer):
    return bool(answer.flags & dns.flags.AD)


def rcode_text(answer):
    return dns.rcode.to_text(answer.rcode())
