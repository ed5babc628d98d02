#pragma once
// The last gate before a signed zone is written: every RRSIG must verify against the
// DNSKEY RRset being published (signatures by keys not in that set caused the .mg and .de
// outages), every algorithm in that set must sign every authoritative RRset (RFC 4035
// §2.2), the DNSKEY RRset must carry a signature by a SEP key of each algorithm that has
// one, and the NSEC or NSEC3 chain must be complete and closed. Nothing is trusted from
// the signing step except the bytes it produced.

#include <span>

#include "signer/key.h"
#include "signer/signed_zone.h"

namespace zw::signer {

// An internal error naming the first offending RRsets when anything is wrong.
[[nodiscard]] Result<void> verify_zone(const SignedZone& signed_zone, Instant now, unsigned threads);

// Bit i of trusted[r] marks signature i of the r-th RRset (for_each_node order, each node's
// RRsets in order) as reused from a signing state: only its cryptographic check is skipped
// (docs/signer.md, "Trusting reused signatures"); its fields, its validity now, its key
// being in the DNSKEY RRset (or an announced unpublished signer) and the coverage of every
// algorithm are checked as for any other. RRsets past the end of trusted trust nothing.
//
// key_pairs are the signer's own keys. A P-256 signature by a published key found among
// them is checked with its private scalar, once that is shown to give the published public
// key: the same verdict at half the cost (dns/ecdsa_key_table.h).
using TrustedSignatures = std::vector<std::uint64_t>;
// progress, when set, counts the nodes checked (params.h).
[[nodiscard]] Result<void> verify_zone(const SignedZone& signed_zone, Instant now, unsigned threads,
                                       const TrustedSignatures& trusted, std::span<const KeyPair* const> key_pairs,
                                       SigningProgress* progress = nullptr);

}  // namespace zw::signer
