#include "dane/check.h"

#include <fmt/format.h>

#include "dane/tlsa.h"

namespace zw::dane {

namespace {

constexpr std::size_t digest_size(std::uint8_t matching) {
    return matching == 1 ? 32 : matching == 2 ? 64 : 0;
}

int rank(Verdict v) {
    switch (v) {
        case Verdict::pass:
            return 0;
        case Verdict::unchecked:
            return 1;
        case Verdict::not_dane:
            return 2;
        case Verdict::fail:
            return 3;
    }
    return 3;
}

Verdict address_verdict(const TlsProbe& p) {
    switch (p.outcome) {
        case TlsOutcome::verified:
            return Verdict::pass;
        case TlsOutcome::no_connection:
            return Verdict::unchecked;
        case TlsOutcome::not_verified:
        case TlsOutcome::starttls_refused:
        case TlsOutcome::handshake_failed:
            return Verdict::fail;
    }
    return Verdict::fail;
}

// Every address of the host, a handshake each: with the usable records when the TLSA set
// is secure, else only to show the chain presented; then an address shares the host's
// verdict (r.verdict, decided from the TLSA set) unless it could not be reached.
void probe_addresses(CheckContext& ctx, HostReport& r, const dns::Name& host,
                     std::span<const dns::Bytes> usable) {
    r.records_offered = !usable.empty();
    std::vector<dns::Name> names{host};
    auto addresses = ctx.discoverer.resolve(names, r.address_problems);
    for (const live::ServerAddress& a : addresses) {
        AddressReport ar;
        ar.where = live::Server{a.server.address, r.port};
        ar.probe = probe_tls(ar.where, r.host, r.starttls, usable, ctx.tls_timeout);
        ar.verdict = address_verdict(ar.probe);
        if (!r.records_offered && ar.verdict != Verdict::unchecked) ar.verdict = r.verdict;
        if (r.records_offered && (ar.probe.outcome == TlsOutcome::verified ||
                                  ar.probe.outcome == TlsOutcome::not_verified))
            ++r.handshakes;
        if (ar.probe.matched && *ar.probe.matched < usable.size())
            for (RecordReport& rec : r.records)
                if (rec.rdata == usable[*ar.probe.matched]) rec.matched = true;
        r.addresses.push_back(std::move(ar));
    }
}

}  // namespace

std::string_view name(Verdict v) {
    switch (v) {
        case Verdict::pass:
            return "pass";
        case Verdict::fail:
            return "fail";
        case Verdict::not_dane:
            return "not DANE-protected";
        case Verdict::unchecked:
            return "could not check";
    }
    return "?";
}

Verdict worse(Verdict a, Verdict b) { return rank(a) >= rank(b) ? a : b; }

int exit_code(Verdict overall) {
    switch (overall) {
        case Verdict::pass:
            return 0;
        case Verdict::fail:
        case Verdict::not_dane:
            return 1;
        case Verdict::unchecked:
            return 3;
    }
    return 1;
}

RecordReport judge_record(const dns::Bytes& rdata) {
    RecordReport r{rdata, false, "", false};
    if (rdata.size() < 3) {
        r.why_unusable = "shorter than usage, selector and matching type";
        return r;
    }
    const std::uint8_t usage = rdata[0], selector = rdata[1], matching = rdata[2];
    const std::size_t data = rdata.size() - 3;
    if (usage == 0 || usage == 1)
        r.why_unusable = fmt::format(
            "usage {} (PKIX) is unusable for SMTP (RFC 7672 §3.1.3) and needs a public CA "
            "trust store, which dane-check does not load",
            usage);
    else if (usage > 3)
        r.why_unusable = fmt::format("unknown usage {} (RFC 7672 §3.1)", usage);
    else if (selector > 1)
        r.why_unusable = fmt::format("unknown selector {} (RFC 7672 §3.1)", selector);
    else if (matching > 2)
        r.why_unusable = fmt::format("unknown matching type {} (RFC 7672 §3.1)", matching);
    else if (matching != 0 && data != digest_size(matching))
        r.why_unusable =
            fmt::format("{} octets of data for a {}-octet digest", data, digest_size(matching));
    else if (data == 0)
        r.why_unusable = "no association data";
    else
        r.usable = true;
    return r;
}

HostReport check_service(CheckContext& ctx, const dns::Name& host, std::uint16_t port,
                         StartTls starttls) {
    HostReport r;
    r.host = host.to_text();
    r.port = port;
    r.starttls = starttls;
    auto tcp = host.prepend("_tcp");
    auto owner = tcp ? tcp->prepend(fmt::format("_{}", port)) : tcp;
    if (!owner) {
        r.lookup_error = owner.error().message;
        r.why = "the TLSA owner name is not a valid name";
        return r;
    }
    auto tlsa = fetch_validated(ctx.client, ctx.discoverer, ctx.chain, *owner, tlsa_rrtype);
    if (!tlsa) {
        r.lookup_error = tlsa.error().message;
        r.verdict = Verdict::unchecked;
        r.why = fmt::format("the TLSA lookup failed: {}", r.lookup_error);
        return r;
    }
    r.tlsa = std::move(*tlsa);
    const ValidatedRrset& t = *r.tlsa;
    std::vector<dns::Bytes> usable;
    for (const dns::Bytes& rd : t.rdatas) {
        r.records.push_back(judge_record(rd));
        if (r.records.back().usable) usable.push_back(rd);
    }
    switch (t.validation.state) {
        case live::Security::bogus:
            r.verdict = Verdict::fail;
            r.why = fmt::format("the TLSA RRset is bogus ({}): DANE clients defer delivery",
                                t.validation.why);
            probe_addresses(ctx, r, host, {});
            return r;
        case live::Security::insecure:
            r.verdict = Verdict::not_dane;
            r.why = fmt::format(
                "the TLSA RRset is insecure ({}): DANE clients ignore it (RFC 7672 §2.2)",
                t.validation.why);
            probe_addresses(ctx, r, host, {});
            return r;
        case live::Security::indeterminate:
            if (!t.present) {
                r.verdict = Verdict::not_dane;
                r.why =
                    fmt::format("no TLSA record at {} ({})", t.owner.to_text(), t.validation.why);
            } else {
                r.verdict = Verdict::unchecked;
                r.why = fmt::format("the TLSA RRset could not be validated: {}", t.validation.why);
            }
            probe_addresses(ctx, r, host, {});
            return r;
        case live::Security::secure:
            break;
    }
    if (!t.present) {
        r.verdict = Verdict::not_dane;
        r.why = fmt::format("no TLSA record at {} (absence proven)", t.owner.to_text());
        probe_addresses(ctx, r, host, {});
        return r;
    }
    if (usable.empty()) {
        r.verdict = Verdict::fail;
        r.why =
            "the TLSA RRset is secure but no record in it is usable: no DANE client can "
            "authenticate the service (RFC 7672 §2.2)";
        probe_addresses(ctx, r, host, {});
        return r;
    }
    probe_addresses(ctx, r, host, usable);
    if (r.addresses.empty()) {
        r.verdict = Verdict::unchecked;
        r.why = "the host has no address";
        return r;
    }
    r.verdict = Verdict::pass;
    for (const AddressReport& a : r.addresses) r.verdict = worse(r.verdict, a.verdict);
    switch (r.verdict) {
        case Verdict::pass:
            r.why = "every address presented a chain a TLSA record authenticates";
            break;
        case Verdict::fail:
            r.why = "an address presented a chain no usable TLSA record authenticates";
            break;
        case Verdict::unchecked:
            r.why = "an address could not be reached";
            break;
        case Verdict::not_dane:
            break;
    }
    return r;
}

MailDomainReport check_mail_domain(CheckContext& ctx, const dns::Name& domain) {
    MailDomainReport r;
    r.domain = domain.to_text();
    auto mx = fetch_validated(ctx.client, ctx.discoverer, ctx.chain, domain, dns::rrtype::MX);
    if (!mx) {
        r.lookup_error = mx.error().message;
        r.why = fmt::format("the MX lookup failed: {}", r.lookup_error);
        return r;
    }
    r.mx = std::move(*mx);
    std::vector<dns::Name> hosts;
    for (const dns::Bytes& rd : r.mx->rdatas) {
        if (rd.size() < 3) continue;
        auto n = dns::Name::from_wire(std::span(rd).subspan(2));
        if (n && !n->is_root()) hosts.push_back(*n);
    }
    // RFC 5321 §5.1: no MX set, the domain itself is the mail host.
    if (!r.mx->present) hosts.push_back(domain);
    if (hosts.empty()) {
        r.verdict = Verdict::not_dane;
        r.why = "the domain accepts no mail (null MX, RFC 7505)";
        return r;
    }
    r.verdict = Verdict::pass;
    for (const dns::Name& h : hosts) {
        r.hosts.push_back(check_service(ctx, h, 25, StartTls::smtp));
        r.verdict = worse(r.verdict, r.hosts.back().verdict);
    }
    switch (r.mx->validation.state) {
        case live::Security::secure:
            r.why = r.verdict == Verdict::pass ? "every MX host passes" : "see the hosts";
            break;
        case live::Security::insecure:
            r.verdict = worse(r.verdict, Verdict::not_dane);
            r.why =
                "the MX RRset is insecure: DANE clients do not use TLSA records of its "
                "hosts (RFC 7672 §2.2.1)";
            break;
        case live::Security::bogus:
            r.verdict = Verdict::fail;
            r.why = fmt::format("the MX RRset is bogus ({})", r.mx->validation.why);
            break;
        case live::Security::indeterminate:
            r.verdict = worse(r.verdict, Verdict::unchecked);
            r.why = fmt::format("the MX RRset could not be validated: {}", r.mx->validation.why);
            break;
    }
    return r;
}

}  // namespace zw::dane
