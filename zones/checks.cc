#include "zones/checks.h"

#include <fmt/format.h>

#include "dns/dnssec.h"
#include "dns/rdata.h"

namespace zw::zones {

namespace {

// RFC 1035 §4.2.2: a message, and so every RRset in an answer, is at most 65,535
// octets. Counted as the smallest answer that carries it: the header, the question and
// every record with its owner compressed to a pointer. BIND refuses to load such an RRset.
constexpr std::size_t max_message = 65535;

std::size_t answer_size(const Node& node, const RRset& set) {
    std::size_t size = 12 + node.name.wire().size() + 4;
    for (const auto& rdata : set.rdatas) size += 2 + 10 + rdata.size();
    return size;
}

// RFC 8624 §3.1: algorithms that MUST NOT or should no longer be used to sign.
bool deprecated_algorithm(std::uint8_t a) {
    return a == 1 || a == 3 || a == 5 || a == 6 || a == 7 || a == 12;
}

// The warnings BIND gives for a child's DS (RFC 8624 §3.1 and §3.3): the child's keys
// or the digest may not be trusted by validators for long.
void check_ds(const Node& node, const RRset& ds, Checker& check) {
    bool sha1 = false;
    std::uint8_t algorithm = 0;
    for (const auto& r : ds.rdatas) {
        sha1 = sha1 || r[3] == dns::digest::sha1;
        if (deprecated_algorithm(r[2]) && algorithm == 0) algorithm = r[2];
    }
    if (sha1) {
        check.warning(ds.where,
                      fmt::format("{} DS uses the deprecated digest type 1 (SHA-1, RFC 8624 §3.3)",
                                  node.name.to_text()));
    }
    if (algorithm != 0) {
        check.warning(
            ds.where,
            fmt::format("{} DS names the deprecated algorithm {} ({}, RFC 8624 §3.1)",
                        node.name.to_text(), algorithm, dns::algorithm_mnemonic(algorithm)));
    }
}

void check_singleton(const Node& node, const RRset* set, const char* rfc, Checker& check) {
    if (set && set->rdatas.size() > 1) {
        check.error(set->where, fmt::format("{} has {} {} records; at most one is allowed ({})",
                                            node.name.to_text(), set->rdatas.size(),
                                            dns::type_to_text(set->type), rfc));
    }
}

}  // namespace

void check_apex(Zone& zone, Checker& check) {
    Node& apex = zone.apex();
    const RRset* soa = apex.find(dns::rrtype::SOA);
    if (!soa) {
        check.error(
            apex.rrsets.empty() ? SourceRef{} : apex.rrsets.front().where,
            fmt::format("the zone has no SOA record at its apex {}", zone.origin.to_text()));
    } else if (soa->rdatas.size() != 1) {
        check.error(soa->where, fmt::format("the apex has {} SOA records; exactly one is allowed",
                                            soa->rdatas.size()));
    } else if (!dns::soa_timers(soa->rdatas.front())) {
        check.error(soa->where, "malformed SOA record");
    }
    if (!apex.find(dns::rrtype::NS)) {
        check.error(soa ? soa->where : SourceRef{},
                    fmt::format("the apex {} has no NS records", zone.origin.to_text()));
    }
    if (const RRset* ds = apex.find(dns::rrtype::DS)) {
        check.error(ds->where, "DS records at the apex belong in the parent zone");
    }
}

void check_node(const Node& node, const Zone& zone, Checker& check) {
    // One pass over the RRsets: this runs for every name of the zone.
    const RRset *cname = nullptr, *dname = nullptr, *ns = nullptr;
    for (const auto& set : node.rrsets) {
        switch (set.type) {
            case dns::rrtype::CNAME:
                cname = &set;
                break;
            case dns::rrtype::DNAME:
                dname = &set;
                break;
            case dns::rrtype::NS:
                ns = &set;
                break;
            case dns::rrtype::SOA:
                if (node.role != NodeRole::apex) {
                    check.error(set.where,
                                fmt::format("SOA record at {}, which is not the zone apex {}",
                                            node.name.to_text(), zone.origin.to_text()));
                }
                break;
            case dns::rrtype::DS:
                if (node.role == NodeRole::authoritative) {
                    check.error(set.where,
                                fmt::format("DS record at {} without a delegation (NS) there",
                                            node.name.to_text()));
                }
                if (node.role == NodeRole::delegation) check_ds(node, set, check);
                break;
            default:
                break;
        }
        if (const std::size_t size = answer_size(node, set); size > max_message) {
            check.error(
                set.where,
                fmt::format("the {} RRset at {} needs {} octets in an answer; a DNS message holds "
                            "at most {} (RFC 1035 §4.2.2)",
                            dns::type_to_text(set.type), node.name.to_text(), size, max_message));
        }
    }
    check_singleton(node, cname, "RFC 1034 §3.6.2", check);
    check_singleton(node, dname, "RFC 6672 §2.4", check);
    if (cname && node.rrsets.size() > 1) {
        std::string others;
        for (const auto& set : node.rrsets)
            if (set.type != dns::rrtype::CNAME) others += " " + dns::type_to_text(set.type);
        check.error(cname->where, fmt::format("CNAME at {} beside other data:{} (RFC 1034 §3.6.2)",
                                              node.name.to_text(), others));
    }
    if (ns) {
        // RFC 4592 §4.2: a wildcard cannot delegate; BIND refuses the zone.
        if (node.name.is_wildcard()) {
            check.error(
                ns->where,
                fmt::format(
                    "NS at the wildcard {}: a wildcard cannot be a delegation (RFC 4592 §4.2)",
                    node.name.to_text()));
        }
        if (dname && node.role != NodeRole::apex && node.role != NodeRole::occluded) {
            check.error(
                ns->where,
                fmt::format("NS beside DNAME at {}: only the apex may hold both (RFC 6672 §2.3)",
                            node.name.to_text()));
        }
    }
}

// In canonical order every name below a DNAME owner follows it directly.
void check_below_dnames(const Zone& zone, Checker& check) {
    const Node* dname = nullptr;
    for (const auto& node : zone.nodes) {
        if (dname && node.name != dname->name && node.name.is_subdomain_of(dname->name)) {
            for (const auto& set : node.rrsets) {
                check.error(set.where,
                            fmt::format("{} {} is below the DNAME at {}, where no data may exist "
                                        "(RFC 6672 §2.3)",
                                        node.name.to_text(), dns::type_to_text(set.type),
                                        dname->name.to_text()));
            }
            continue;
        }
        // A DNAME hidden below a delegation is the child's: its subtree is occluded anyway.
        dname = node.role != NodeRole::occluded && node.find(dns::rrtype::DNAME) ? &node : nullptr;
    }
}

}  // namespace zw::zones
