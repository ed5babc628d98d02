#include "live/discovery.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "dns/rdata.h"

namespace zw::live {

std::string ServerAddress::label() const {
    return fmt::format("{}/{}", ns.to_text(), server.label());
}

namespace {

std::vector<dns::Name> ns_names(const RrSet& set) {
    std::vector<dns::Name> out;
    for (const dns::Bytes& rd : set.rdatas)
        if (auto n = dns::rdata_target_name(dns::rrtype::NS, rd)) out.push_back(std::move(*n));
    std::sort(out.begin(), out.end(), dns::CanonicalLess{});
    return out;
}

std::string names_text(std::span<const dns::Name> names) {
    std::string out;
    for (const dns::Name& n : names) out += (out.empty() ? "" : " ") + n.to_text();
    return out.empty() ? "(none)" : out;
}

std::string address_text(std::uint16_t type, const dns::Bytes& rd) {
    if (type == dns::rrtype::A && rd.size() == 4)
        return fmt::format("{}.{}.{}.{}", rd[0], rd[1], rd[2], rd[3]);
    if (type == dns::rrtype::AAAA && rd.size() == 16) {
        // RFC 5952 text through the socket library's formatter, as Asio prints it.
        char buf[INET6_ADDRSTRLEN];
        if (inet_ntop(AF_INET6, rd.data(), buf, sizeof buf)) return buf;
    }
    return "";
}

}  // namespace

Result<Message> Discoverer::ask_resolver(const dns::Name& qname, std::uint16_t qtype) {
    QueryOptions opt;
    opt.recursion_desired = true;
    opt.checking_disabled = true;
    Outcome o = client_.query(Request{resolver_, Question{qname, qtype}, opt});
    if (!o)
        return fail(outside_error(fmt::format(
            "resolver {} did not answer {} {}: {} ({})", resolver_.label(), qname.to_text(),
            dns::type_to_text(qtype), name(o.error().kind), o.error().detail)));
    const Message& m = o->message;
    if (m.rcode != rcode::noerror && m.rcode != rcode::nxdomain)
        return fail(outside_error(fmt::format("resolver {} answered {} {} with {}",
                                              resolver_.label(), qname.to_text(),
                                              dns::type_to_text(qtype), rcode_text(m.rcode))));
    return m;
}

Result<dns::Name> Discoverer::parent_of(const dns::Name& zone) {
    if (zone.is_root()) return fail(bad_input("the root zone has no parent"));
    auto above = zone_of(zone.parent());
    if (!above) {
        return fail(outside_error(fmt::format("{}; cannot find the zone cut above {}",
                                              above.error().message, zone.to_text())));
    }
    return above;
}

Result<dns::Name> Discoverer::zone_of(const dns::Name& name) {
    auto m = ask_resolver(name, dns::rrtype::SOA);
    if (!m) return fail(m.error());
    // The SOA in the answer (the name is an apex) or in the authority section of a
    // NODATA/NXDOMAIN answer (RFC 2308 §3) belongs to the zone that holds the name.
    for (const auto* section : {&m->answer, &m->authority})
        for (const dns::Rr& rr : *section)
            if (rr.type == dns::rrtype::SOA && name.is_subdomain_of(rr.owner)) return rr.owner;
    return fail(outside_error(
        fmt::format("resolver {} gave no SOA for {}", resolver_.label(), name.to_text())));
}

std::vector<ServerAddress> Discoverer::resolve(std::span<const dns::Name> names,
                                               std::vector<std::string>& problems) {
    QueryOptions opt;
    opt.recursion_desired = true;
    opt.checking_disabled = true;
    std::vector<Request> reqs;
    for (const dns::Name& n : names) {
        reqs.push_back(Request{resolver_, Question{n, dns::rrtype::A}, opt});
        reqs.push_back(Request{resolver_, Question{n, dns::rrtype::AAAA}, opt});
    }
    auto outcomes = client_.run(reqs);
    std::vector<ServerAddress> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::size_t found = 0;
        for (std::size_t k = 0; k < 2; ++k) {
            const Outcome& o = outcomes[2 * i + k];
            std::uint16_t type = k == 0 ? dns::rrtype::A : dns::rrtype::AAAA;
            if (!o) {
                problems.push_back(fmt::format("{} {}: resolver gave no answer ({})",
                                               names[i].to_text(), dns::type_to_text(type),
                                               o.error().detail));
                continue;
            }
            // Follow no CNAME: RFC 2181 §10.3 forbids NS targets that are aliases.
            for (const dns::Rr& rr : o->message.answer) {
                if (rr.type != type || !(rr.owner == names[i])) continue;
                std::string text = address_text(type, rr.rdata);
                if (text.empty()) continue;
                out.push_back(ServerAddress{names[i], Server{text, 53}});
                ++found;
            }
        }
        if (found == 0)
            problems.push_back(fmt::format("{} has no A or AAAA address", names[i].to_text()));
    }
    auto less = [](const ServerAddress& a, const ServerAddress& b) {
        int c = canonical_compare(a.ns, b.ns);
        return c != 0 ? c < 0 : a.server.address < b.server.address;
    };
    std::sort(out.begin(), out.end(), less);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

Result<ZoneServers> Discoverer::servers_of(const dns::Name& zone) {
    auto m = ask_resolver(zone, dns::rrtype::NS);
    if (!m) return fail(m.error());
    auto set = find_rrset(m->answer, zone, dns::rrtype::NS);
    if (!set)
        return fail(
            outside_error(fmt::format("resolver {} knows no NS set for {} ({})", resolver_.label(),
                                      zone.to_text(), rcode_text(m->rcode))));
    ZoneServers zs{zone, {}, ns_names(*set), {}, {}};
    zs.addresses = resolve(zs.apex_ns, zs.problems);
    if (zs.addresses.empty())
        return fail(
            outside_error(fmt::format("no address for any name server of {}", zone.to_text())));
    return zs;
}

std::vector<dns::Name> Discoverer::ns_from(const dns::Name& zone,
                                           std::span<const ServerAddress> servers,
                                           std::string_view whose,
                                           std::vector<std::string>& problems) {
    std::vector<Request> reqs;
    for (const auto& s : servers)
        reqs.push_back(Request{s.server, Question{zone, dns::rrtype::NS}, {}});
    auto outcomes = client_.run(reqs);
    std::optional<std::vector<dns::Name>> first;
    std::set<dns::Name, dns::CanonicalLess> all;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        const Outcome& o = outcomes[i];
        if (!o || o->message.rcode != rcode::noerror) continue;  // the check itself reports it
        // A parent answers with a referral (NS in authority, RFC 1034 §4.3.2); a server
        // authoritative for both sides answers from the child instead.
        auto set = find_rrset(o->message.answer, zone, dns::rrtype::NS);
        if (!set) set = find_rrset(o->message.authority, zone, dns::rrtype::NS);
        if (!set) continue;
        auto names = ns_names(*set);
        if (first && *first != names)
            problems.push_back(
                fmt::format("{} servers disagree on the NS set of {}: {} says {}, {} says {}",
                            whose, zone.to_text(), servers[0].label(), names_text(*first),
                            servers[i].label(), names_text(names)));
        if (!first) first = names;
        all.insert(names.begin(), names.end());
    }
    if (!first)
        problems.push_back(
            fmt::format("no {} server returned an NS set for {}", whose, zone.to_text()));
    return {all.begin(), all.end()};
}

Result<Discovery> Discoverer::discover(const dns::Name& zone) {
    auto parent = parent_of(zone);
    if (!parent) return fail(parent.error());
    auto parent_servers = servers_of(*parent);
    if (!parent_servers) return fail(parent_servers.error());
    Discovery d{zone, *parent, std::move(*parent_servers), ZoneServers{zone, {}, {}, {}, {}}};
    ZoneServers& zs = d.servers;
    zs.delegation_ns = ns_from(zone, d.parent_servers.addresses, "parent", zs.problems);
    if (zs.delegation_ns.empty()) {
        return fail(outside_error(fmt::format("the parent {} serves no delegation for {}",
                                              parent->to_text(), zone.to_text())));
    }
    auto delegated = resolve(zs.delegation_ns, zs.problems);
    zs.apex_ns = ns_from(zone, delegated, "child", zs.problems);
    // The server set is the union of the delegation and the apex NS sets: resolvers follow
    // either set, so a server only one of them names is still asked and must serve the change.
    std::set<dns::Name, dns::CanonicalLess> all(zs.delegation_ns.begin(), zs.delegation_ns.end());
    for (const dns::Name& n : zs.apex_ns) {
        if (!std::binary_search(zs.delegation_ns.begin(), zs.delegation_ns.end(), n,
                                dns::CanonicalLess{}))
            zs.problems.push_back(
                fmt::format("{} is in the apex NS set but not in the delegation", n.to_text()));
        all.insert(n);
    }
    for (const dns::Name& n : zs.delegation_ns)
        if (!zs.apex_ns.empty() &&
            !std::binary_search(zs.apex_ns.begin(), zs.apex_ns.end(), n, dns::CanonicalLess{}))
            zs.problems.push_back(
                fmt::format("{} is in the delegation but not in the apex NS set", n.to_text()));
    std::vector<dns::Name> names(all.begin(), all.end());
    zs.addresses = resolve(names, zs.problems);
    return d;
}

}  // namespace zw::live
