#include "dane/validated_lookup.h"

#include <fmt/format.h>

namespace zw::dane {

Result<ValidatedRrset> fetch_validated(live::Client& client, live::Discoverer& discoverer,
                                       live::ChainValidator& chain, const dns::Name& owner,
                                       std::uint16_t type) {
    auto zone = discoverer.zone_of(owner);
    if (!zone) return fail(zone.error());
    auto servers = discoverer.servers_of(*zone);
    if (!servers) return fail(servers.error());
    if (servers->addresses.empty())
        return fail(
            outside_error(fmt::format("no address for any name server of {}", zone->to_text())));

    ValidatedRrset out{owner, type, *zone, "", {}, false, false, 0, {}};
    std::optional<live::Message> answer;
    std::vector<std::string> tried;
    // The first authoritative answer; the servers are asked one after the other so that a
    // down server costs its timeout, not the check.
    for (const live::ServerAddress& a : servers->addresses) {
        auto o = client.query(live::Request{a.server, live::Question{owner, type}, {}});
        if (!o) {
            tried.push_back(fmt::format("{}: {}", a.label(), o.error().detail));
            continue;
        }
        const live::Message& m = o->message;
        if (!m.flags.aa || (m.rcode != live::rcode::noerror && m.rcode != live::rcode::nxdomain)) {
            tried.push_back(fmt::format("{}: {}{}", a.label(), live::rcode_text(m.rcode),
                                        m.flags.aa ? "" : " (not authoritative)"));
            continue;
        }
        out.server = a.label();
        answer = m;
        break;
    }
    if (!answer) {
        std::string all;
        for (const auto& t : tried) all += (all.empty() ? "" : "; ") + t;
        return fail(outside_error(fmt::format("no authoritative answer for {} {}: {}",
                                              owner.to_text(), dns::type_to_text(type), all)));
    }

    auto set = live::find_rrset(answer->answer, owner, type);
    out.present = set && !set->rdatas.empty();
    out.nxdomain = answer->rcode == live::rcode::nxdomain;
    if (out.present) {
        out.ttl = set->ttl;
        out.rdatas = set->rdatas;
    }
    const live::ZoneKeys& keys = chain.keys_of(*zone);
    if (keys.validation.state != live::Security::secure) {
        // Insecure or bogus keys make everything in the zone so (RFC 4035 §4.3).
        out.validation = keys.validation;
        if (out.validation.why.empty())
            out.validation.why = fmt::format("the DNSKEY set of {} is {}", zone->to_text(),
                                             name(keys.validation.state));
        return out;
    }
    if (out.present) {
        out.validation = live::verify_rrset(*set, *zone, keys.dnskeys, chain.now());
    } else if (out.nxdomain) {
        out.validation = {live::Security::indeterminate,
                          "the name does not exist; the NSEC/NSEC3 proof of that is not checked"};
    } else {
        out.validation = live::prove_nodata(*answer, owner, type, *zone, keys.dnskeys, chain.now());
    }
    return out;
}

}  // namespace zw::dane
