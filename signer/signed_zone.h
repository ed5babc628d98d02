#pragma once
// The result of a signing run: the zone with its DNSSEC RRsets and signatures in place,
// and the NSEC3 records (owned by hashed names, kept apart from the original names).

#include <memory>
#include <optional>
#include <vector>

#include "signer/params.h"
#include "signer/state_base.h"
#include "signer/text_index.h"
#include "zones/zone.h"

namespace zw::signer {

struct SignedZone {
    zones::Zone zone;
    std::vector<zones::Node> nsec3_nodes;  // hash order; empty with NSEC
    std::optional<Nsec3Params> nsec3;
    // DNSKEY RDATA of keys that sign but are not in the DNSKEY RRset yet (RFC 6781 §4.1.4);
    // the self-check verifies their signatures with these and nothing else from outside.
    std::vector<dns::Bytes> unpublished_signers;
    // The previous state's bytes, when signatures were kept from it: they are borrowed
    // from there, not copied (zones::Signature).
    std::shared_ptr<const void> kept_storage;
    // Set when signed against a previous state: for each node (for_each_node order), the
    // ordinal of its first RRset among the state's records if the node is exactly the
    // stored one, RRset for RRset with the same data and the same signatures in the same
    // order, and so writes the same text and stores the same records. Empty: nothing is
    // known.
    std::vector<std::optional<std::uint64_t>> unchanged_from;
    TextIndex previous_text;  // where the previous output held the text of those records
    // The base file of the state signed against, when it was read from one: the next
    // state may be written as the changes against it (signing_state.h).
    std::optional<StateBase> previous_base;

    // Visits every node: the zone's, then the NSEC3 ones.
    template <typename Fn>
    void for_each_node(Fn fn) const {
        for (const auto& n : zone.nodes) fn(n);
        for (const auto& n : nsec3_nodes) fn(n);
    }
};

struct SigningStats {
    std::size_t signatures = 0;     // made in this run
    std::size_t rrsets_signed = 0;  // RRsets that carry signatures in the output
    double sign_seconds = 0;
    double verify_seconds = 0;            // the self-check
    std::size_t signatures_verified = 0;  // by the public key, in the self-check
    // Time before signing: apex records, the denial chain, matching the previous state.
    double prepare_seconds = 0;
    // Incremental signing (all zero without a previous state):
    std::size_t signatures_reused = 0;
    std::size_t signatures_renewed = 0;   // stored ones inside the refresh point: signed again
    std::size_t signatures_replaced = 0;  // stored ones over RRset data that changed
    std::size_t signatures_dropped = 0;   // of keys that no longer sign, or of RRsets now gone
    std::size_t rrsets_resigned = 0;      // RRsets that got at least one new signature
};

}  // namespace zw::signer
