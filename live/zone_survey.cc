#include "live/zone_survey.h"

#include <fmt/format.h>

#include <algorithm>

#include "dns/rdata.h"

namespace zw::live {

std::string_view name(ServerFault f) {
    switch (f) {
        case ServerFault::none:
            return "ok";
        case ServerFault::timeout:
            return "timeout";
        case ServerFault::unreachable:
            return "unreachable";
        case ServerFault::refused:
            return "refused";
        case ServerFault::servfail:
            return "servfail";
        case ServerFault::lame:
            return "lame";
        case ServerFault::malformed:
            return "malformed";
    }
    return "?";
}

namespace {

struct Classified {
    ServerFault fault = ServerFault::none;
    std::string detail;
};

// A check passes only on authoritative NOERROR answers; everything else is a fault of
// that address, named so the operator can act on it.
Classified classify(const Outcome& o, const Question& q) {
    if (!o) {
        switch (o.error().kind) {
            case QueryFailure::timeout:
                return {ServerFault::timeout, o.error().detail};
            case QueryFailure::unreachable:
            case QueryFailure::bad_address:
                return {ServerFault::unreachable, o.error().detail};
            case QueryFailure::malformed:
                return {ServerFault::malformed, o.error().detail};
        }
    }
    const Message& m = o->message;
    std::string what = fmt::format("{} {}", q.name.to_text(), dns::type_to_text(q.type));
    switch (m.rcode) {
        case rcode::noerror:
            break;
        case rcode::refused:
            return {ServerFault::refused, what + ": REFUSED"};
        case rcode::servfail:
            return {ServerFault::servfail, what + ": SERVFAIL"};
        default:
            return {ServerFault::lame, fmt::format("{}: {}", what, rcode_text(m.rcode))};
    }
    // RFC 1034 §4.3.1: the zone's servers must answer with authority; a referral or a
    // cached answer means the server does not serve the zone (lame delegation).
    if (!m.flags.aa)
        return {ServerFault::lame, what + ": answer without the AA bit (not authoritative)"};
    return {};
}

ServedSet served(const Outcome& o, const dns::Name& owner, std::uint16_t type) {
    ServedSet s;
    if (!o) return s;
    if (auto set = find_rrset(o->message.answer, owner, type)) {
        s.present = true;
        s.ttl = set->ttl;
        s.rdatas = std::move(set->rdatas);
        for (const dns::Rr& sig : set->rrsigs)
            if (sig.rdata.size() >= 18)
                s.signer_tags.push_back(dns::read_u16(sig.rdata.data() + 16));
        std::sort(s.signer_tags.begin(), s.signer_tags.end());
        s.signer_tags.erase(std::unique(s.signer_tags.begin(), s.signer_tags.end()),
                            s.signer_tags.end());
    }
    return s;
}

std::chrono::milliseconds elapsed(const Outcome& o) { return o ? o->elapsed : o.error().elapsed; }

}  // namespace

std::vector<ZoneReport> survey_zones(Client& client, ChainValidator& chain,
                                     std::span<const Discovery> zones) {
    // Per zone: parent addresses ask (parent SOA, zone DS); child addresses ask
    // (SOA, DNSKEY, CDS, CDNSKEY) — all of it in one batch.
    static constexpr std::uint16_t child_types[] = {dns::rrtype::SOA, dns::rrtype::DNSKEY,
                                                    dns::rrtype::CDS, dns::rrtype::CDNSKEY};
    std::vector<Request> reqs;
    std::vector<std::size_t> first;  // index of each zone's first request
    for (const Discovery& d : zones) {
        first.push_back(reqs.size());
        for (const auto& a : d.parent_servers.addresses) {
            reqs.push_back(Request{a.server, Question{*d.parent, dns::rrtype::SOA}, {}});
            reqs.push_back(Request{a.server, Question{d.zone, dns::rrtype::DS}, {}});
        }
        for (const auto& a : d.servers.addresses)
            for (std::uint16_t t : child_types)
                reqs.push_back(Request{a.server, Question{d.zone, t}, {}});
    }
    auto outcomes = client.run(reqs);

    std::vector<ZoneReport> out;
    const Instant now = chain.now();
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const Discovery& d = zones[z];
        ZoneReport r{d, chain.keys_of(*d.parent), {}, {}, {}};
        std::size_t i = first[z];
        bool any_insecure = false;
        for (const auto& a : d.parent_servers.addresses) {
            const Outcome& soa = outcomes[i++];
            const Outcome& ds = outcomes[i++];
            ParentServerReport p{
                a, ServerFault::none, "", std::nullopt, {}, std::max(elapsed(soa), elapsed(ds))};
            Classified c = classify(soa, reqs[i - 2].question);
            if (c.fault == ServerFault::none) c = classify(ds, reqs[i - 1].question);
            p.fault = c.fault;
            p.fault_detail = c.detail;
            if (p.fault == ServerFault::none) {
                if (auto s = find_rrset(soa->message.answer, *d.parent, dns::rrtype::SOA))
                    if (auto t = dns::soa_timers(s->rdatas.front())) p.serial = t->serial;
                p.ds = served(ds, d.zone, dns::rrtype::DS);
                p.ds.validation = chain.check_ds_answer(ds->message, d.zone, r.parent_keys);
                if (p.ds.validation.state == Security::secure)
                    for (const dns::Bytes& b : p.ds.rdatas)
                        if (std::find(r.trusted_ds.begin(), r.trusted_ds.end(), b) ==
                            r.trusted_ds.end())
                            r.trusted_ds.push_back(b);
                any_insecure |= p.ds.validation.state == Security::insecure;
            }
            r.parent.push_back(std::move(p));
        }
        for (const auto& a : d.servers.addresses) {
            ChildServerReport c{a,  ServerFault::none, "", std::nullopt, {}, {}, {},
                                {}, Transport::udp,    {}};
            const Outcome* o[4];
            for (int k = 0; k < 4; ++k) {
                o[k] = &outcomes[i];
                c.elapsed = std::max(c.elapsed, elapsed(outcomes[i]));
                Classified f = classify(outcomes[i], reqs[i].question);
                if (c.fault == ServerFault::none && f.fault != ServerFault::none) {
                    c.fault = f.fault;
                    c.fault_detail = f.detail;
                }
                ++i;
            }
            if (c.fault == ServerFault::none) {
                if (auto s = find_rrset(o[0]->value().message.answer, d.zone, dns::rrtype::SOA))
                    if (auto t = dns::soa_timers(s->rdatas.front())) c.serial = t->serial;
                c.soa = served(*o[0], d.zone, dns::rrtype::SOA);
                c.dnskey_transport = o[1]->value().transport;
                c.dnskey = served(*o[1], d.zone, dns::rrtype::DNSKEY);
                c.cds = served(*o[2], d.zone, dns::rrtype::CDS);
                c.cdnskey = served(*o[3], d.zone, dns::rrtype::CDNSKEY);
                auto key_set =
                    find_rrset(o[1]->value().message.answer, d.zone, dns::rrtype::DNSKEY);
                // The DNSKEY set is trusted through the DS sets that validated at the
                // parent; a proven-absent DS makes the zone insecure (RFC 4035 §5.2).
                // An unsigned zone is fine under a proven-absent DS (offboarded, or not
                // yet secured); with a DS at the parent it is bogus.
                if (!key_set && (!r.trusted_ds.empty() || !any_insecure)) {
                    c.dnskey.validation = {Security::bogus, "no DNSKEY set served"};
                } else if (!key_set) {
                    c.dnskey.validation = {
                        Security::insecure,
                        "the parent proves there is no DS; the zone is unsigned"};
                } else if (!r.trusted_ds.empty()) {
                    c.dnskey.validation =
                        validate_dnskey_set(*key_set, d.zone, r.trusted_ds, {}, now);
                } else if (any_insecure) {
                    c.dnskey.validation = {Security::insecure, "the parent proves there is no DS"};
                } else if (r.parent_keys.validation.state != Security::secure) {
                    c.dnskey.validation = r.parent_keys.validation;
                } else {
                    c.dnskey.validation = {Security::bogus, "no DS at the parent validated"};
                }
                for (auto [set, k, type] : {std::tuple{&c.soa, 0, dns::rrtype::SOA},
                                            std::tuple{&c.cds, 2, dns::rrtype::CDS},
                                            std::tuple{&c.cdnskey, 3, dns::rrtype::CDNSKEY}}) {
                    const Message& m = o[k]->value().message;
                    auto s = find_rrset(m.answer, d.zone, type);
                    if (c.dnskey.validation.state != Security::secure)
                        set->validation = c.dnskey.validation;  // the keys are not trusted
                    else if (s)
                        set->validation = verify_rrset(*s, d.zone, c.dnskey.rdatas, now);
                    else  // absent: only a signed denial makes "no CDS" a validated answer
                        set->validation =
                            prove_nodata(m, d.zone, type, d.zone, c.dnskey.rdatas, now);
                }
            }
            r.child.push_back(std::move(c));
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace zw::live
