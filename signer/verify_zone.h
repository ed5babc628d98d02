#pragma once
// The last gate before a signed zone is written: every RRSIG must verify against the
// DNSKEY RRset being published (signatures by keys not in that set caused the .mg and .de
// outages), every algorithm in that set must sign every authoritative RRset (RFC 4035
// §2.2), the DNSKEY RRset must carry a signature by a SEP key of each algorithm that has
// one, and the NSEC or NSEC3 chain must be complete and closed. In full mode nothing is
// taken from the signing step but the bytes it produced; sampled mode also takes the
// signer's digest of what it made, and verifies a subset (self_check.h).

#include "signer/key.h"
#include "signer/self_check.h"
#include "signer/signature_check.h"
#include "signer/signature_digest.h"
#include "signer/signed_zone.h"

namespace zw::signer {

// An internal error naming the first offending RRsets when anything is wrong. Every fresh
// signature is verified by its public key (SelfCheck::full).
[[nodiscard]] Result<void> verify_zone(const SignedZone& signed_zone, Instant now,
                                       unsigned threads);

struct CheckPlan {
    SelfCheck mode = SelfCheck::full;
    // What the signer made (sign_zone_unchecked): sampled mode needs it, and without it
    // verifies everything.
    const SignatureDigest* made = nullptr;
    std::size_t* verified = nullptr;      // when set: how many signatures were verified
    SigningProgress* progress = nullptr;  // when set: counts the nodes checked (params.h)
};

// Bit i of trusted[r] marks signature i of the r-th RRset (for_each_node order, each node's
// RRsets in order) as reused from a signing state: only its cryptographic check is skipped
// (docs/signer.md, "Trusting reused signatures"); its fields, its validity now, its key
// being in the DNSKEY RRset (or an announced unpublished signer) and the coverage of every
// algorithm are checked as for any other. RRsets past the end of trusted trust nothing.
[[nodiscard]] Result<void> verify_zone(const SignedZone& signed_zone, Instant now, unsigned threads,
                                       const TrustedSignatures& trusted, const CheckPlan& plan);

}  // namespace zw::signer
