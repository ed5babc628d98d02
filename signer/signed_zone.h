#pragma once
// The result of a signing run: the zone with its DNSSEC RRsets and signatures in place,
// and the NSEC3 records (owned by hashed names, kept apart from the original names).

#include <optional>
#include <vector>

#include "signer/params.h"
#include "zones/zone.h"

namespace zw::signer {

struct SignedZone {
    zones::Zone zone;
    std::vector<zones::Node> nsec3_nodes;  // hash order; empty with NSEC
    std::optional<Nsec3Params> nsec3;
    // DNSKEY RDATA of keys that sign but are not in the DNSKEY RRset yet (RFC 6781 §4.1.4);
    // the self-check verifies their signatures with these and nothing else from outside.
    std::vector<dns::Bytes> unpublished_signers;

    // Visits every node: the zone's, then the NSEC3 ones.
    template <typename Fn>
    void for_each_node(Fn fn) const {
        for (const auto& n : zone.nodes) fn(n);
        for (const auto& n : nsec3_nodes) fn(n);
    }
};

struct SigningStats {
    std::size_t signatures = 0;
    std::size_t rrsets_signed = 0;
    double sign_seconds = 0;
    double verify_seconds = 0;
};

}  // namespace zw::signer
