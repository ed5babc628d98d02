// NS targets and glue: an NS RRset at the apex or at a delegation must lead resolvers to
// an address. Where the address comes from decides what is required:
//   - the target holds A/AAAA here: fine, whether it is authoritative data or glue;
//   - the target lies below a DNAME: its addresses cannot exist (RFC 6672 §2.3), an error
//     (BIND and Knot refuse the zone);
//   - the target lies inside another delegated child (sibling glue) and the zone holds no
//     name there: the child's servers answer for it, a warning (Knot accepts, BIND warns);
//     a name the zone does hold there without an address is an error (Knot refuses it);
//   - otherwise a wildcard at the target's closest encloser (RFC 4592 §3.3.1) with A/AAAA
//     answers for it (Knot accepts; below the cut BIND warns that it gives no such glue in
//     referrals, and so do we); without one, an error.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "dns/rdata.h"
#include "zones/checks.h"

namespace zw::zones {

namespace {

// Lookups in the canonical order the nodes are kept in.
class NodeIndex {
  public:
    explicit NodeIndex(const Zone& zone) : nodes_(zone.nodes) {}

    [[nodiscard]] const Node* find(const dns::Name& name) const {
        auto it = lower_bound(name);
        return it != nodes_.end() && it->name == name ? &*it : nullptr;
    }
    // The name has data or names below it (an empty non-terminal exists too).
    [[nodiscard]] bool exists(const dns::Name& name) const {
        auto it = lower_bound(name);
        return it != nodes_.end() && it->name.is_subdomain_of(name);
    }

  private:
    [[nodiscard]] std::vector<Node>::const_iterator lower_bound(const dns::Name& name) const {
        return std::lower_bound(nodes_.begin(), nodes_.end(), name,
                                [](const Node& n, const dns::Name& x) {
                                    return dns::canonical_compare(n.name, x) < 0;
                                });
    }
    const std::vector<Node>& nodes_;
};

bool has_address(const Node* node) {
    return node && (node->find(dns::rrtype::A) || node->find(dns::rrtype::AAAA));
}

// The delegation at or above target and the DNAME strictly above it, if any.
struct Place {
    const Node* cut = nullptr;
    const Node* dname = nullptr;
};

Place place_of(const dns::Name& target, const Zone& zone, const NodeIndex& index) {
    Place place;
    for (dns::Name at = target; at != zone.origin; at = at.parent()) {
        const Node* node = index.find(at);
        if (!node) continue;
        if (node->role == NodeRole::delegation) place.cut = node;
        if (at != target && node->role != NodeRole::occluded && node->find(dns::rrtype::DNAME))
            place.dname = node;
    }
    if (target != zone.origin && zone.apex().find(dns::rrtype::DNAME)) place.dname = &zone.apex();
    return place;
}

// The wildcard at the target's closest encloser (RFC 4592 §3.3.1), if it holds an address.
const Node* wildcard_with_address(const dns::Name& target, const Zone& zone,
                                  const NodeIndex& index) {
    dns::Name encloser = target;
    while (encloser != zone.origin && !index.exists(encloser)) encloser = encloser.parent();
    if (encloser == target) return nullptr;  // the target exists, without an address
    auto wildcard = encloser.prepend("*");
    if (!wildcard) return nullptr;
    const Node* node = index.find(*wildcard);
    return has_address(node) ? node : nullptr;
}

void check_target(const Node& node, const RRset& ns, const dns::Name& target, const Zone& zone,
                  const NodeIndex& index, Checker& check) {
    const Place place = place_of(target, zone, index);
    const std::string where = fmt::format("{} NS {}", node.name.to_text(), target.to_text());
    if (place.dname) {
        check.error(
            ns.where,
            fmt::format("{} is below the DNAME at {}: it can have no address (RFC 6672 §2.3)",
                        where, place.dname->name.to_text()));
        return;
    }
    if (place.cut && place.cut != &node) {
        // A name the zone holds below the cut must carry the address (Knot refuses it
        // bare); one it does not hold is the child's to answer for.
        if (index.find(target)) {
            check.error(
                ns.where,
                fmt::format("{} has no A/AAAA record in the zone, and it lies in the delegation {}",
                            where, place.cut->name.to_text()));
        } else {
            check.warning(
                ns.where,
                fmt::format("{} is inside the delegation {} and has no address here: resolvers "
                            "must ask that zone's servers for it",
                            where, place.cut->name.to_text()));
        }
        return;
    }
    const bool below_cut = place.cut == &node;
    if (const Node* wildcard = wildcard_with_address(target, zone, index)) {
        if (below_cut) {
            check.warning(
                ns.where,
                fmt::format("{} has glue only from the wildcard {}, which referrals from BIND do "
                            "not carry",
                            where, wildcard->name.to_text()));
        }
        return;
    }
    check.error(ns.where, fmt::format("{} has no {} in the zone", where,
                                      below_cut ? "glue (A/AAAA)" : "A/AAAA record"));
}

}  // namespace

// The targets are collected first and the nodes are looked up against them: a hosting zone
// has a handful of targets and a million names, and hashing every addressed name into a
// set would be a third of reading such a zone. Only targets without an address of their own
// are then placed by lookups in the sorted nodes.
void check_ns_targets(const Zone& zone, Checker& check) {
    auto for_each_target = [&](auto fn) {
        for (const auto& node : zone.nodes) {
            const RRset* ns = node.find(dns::rrtype::NS);
            if (!ns || node.role == NodeRole::occluded) continue;
            for (const auto& rdata : ns->rdatas) {
                auto target = dns::rdata_target_name(dns::rrtype::NS, rdata);
                if (target && target->is_subdomain_of(zone.origin)) fn(node, *ns, *target);
            }
        }
    };
    // Target wire name -> whether it has an address in the zone.
    std::unordered_map<std::string, bool> targets;
    for_each_target([&](const Node&, const RRset&, const dns::Name& target) {
        targets.emplace(target.wire(), false);
    });
    std::size_t missing = targets.size();
    for (const auto& node : zone.nodes) {
        if (missing == 0) break;
        if (!has_address(&node)) continue;
        auto it = targets.find(node.name.wire());
        if (it != targets.end() && !it->second) {
            it->second = true;
            --missing;
        }
    }
    if (missing > 0) {
        const NodeIndex index(zone);
        for_each_target([&](const Node& node, const RRset& ns, const dns::Name& target) {
            if (!targets.at(target.wire())) check_target(node, ns, target, zone, index, check);
        });
    }
    // Data below a delegation is the child's: kept in the output, never signed, and worth a
    // word unless it is glue. (Below a DNAME it is an error: check_below_dnames.)
    const Node* cut = nullptr;
    for (const auto& node : zone.nodes) {
        if (node.role == NodeRole::delegation) cut = &node;
        if (node.role != NodeRole::occluded || !cut || !node.name.is_subdomain_of(cut->name))
            continue;
        for (const auto& set : node.rrsets) {
            bool is_glue = (set.type == dns::rrtype::A || set.type == dns::rrtype::AAAA) &&
                           targets.contains(node.name.wire());
            if (!is_glue) {
                check.warning(
                    set.where,
                    fmt::format("{} {} is occluded by the delegation at {}; it is kept in the "
                                "output but not signed",
                                node.name.to_text(), dns::type_to_text(set.type),
                                cut->name.to_text()));
            }
        }
    }
}

}  // namespace zw::zones
