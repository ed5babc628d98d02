#pragma once
// Authenticated denial of existence: NSEC chains (RFC 4034 §4) and NSEC3 chains
// (RFC 5155, with the RFC 9276 defaults of no extra iterations and no salt).

#include <span>
#include <vector>

#include "signer/params.h"
#include "zones/zone.h"

namespace zw::signer {

// Whether the signer puts an RRSIG over this RRset: never on occluded data; at a
// delegation only DS and NSEC are authoritative (RFC 4035 §2.2).
[[nodiscard]] bool is_signed_rrset(zones::NodeRole role, std::uint16_t type);

// The types an NSEC or NSEC3 record at this node lists, into types (ascending): those
// present, and RRSIG when anything here is signed; and their RFC 4034 §4.1.2 type bit map
// into bitmap. Both are replaced. Chains call it once per node with the same two buffers:
// a million nodes made ten million small allocations.
void denial_bitmap(const zones::Node& node, std::vector<std::uint16_t>& types, dns::Bytes& bitmap);

// Adds an NSEC RRset to every node that is not occluded, linking them in canonical order
// and closing the loop at the apex.
void add_nsec_chain(zones::Zone& zone, std::uint32_t ttl);

// dns::nsec3_hash with this chain's parameters.
[[nodiscard]] dns::Bytes nsec3_hash(const dns::Name& name, const Nsec3Params& params);

// The original names an NSEC3 chain must cover: every node that is not occluded and every
// empty non-terminal above one, leaving out insecure delegations under opt-out (and the
// empty non-terminals only they would need, as RFC 5155 §7.1 allows). In canonical order,
// each with its node (null for an empty non-terminal).
struct Nsec3Originals {
    std::vector<dns::Name> names;
    std::vector<const zones::Node*> nodes;
};
[[nodiscard]] Nsec3Originals nsec3_original_names(const zones::Zone& zone, bool opt_out);

// The NSEC3 records, one node each, in hash order. Fails on a hash collision. Hashes on up
// to `threads` threads.
[[nodiscard]] Result<std::vector<zones::Node>> build_nsec3_chain(const zones::Zone& zone,
                                                                 const Nsec3Params& params,
                                                                 std::uint32_t ttl,
                                                                 unsigned threads = 1);

// nsec3_hash of every name, on up to `threads` threads.
[[nodiscard]] std::vector<dns::Bytes> nsec3_hashes(std::span<const dns::Name> names,
                                                   const Nsec3Params& params, unsigned threads);

[[nodiscard]] dns::Bytes nsec3param_rdata(const Nsec3Params& params);

}  // namespace zw::signer
