#pragma once
// Signs a zone: adds DNSKEY, CDS/CDNSKEY and NSEC3PARAM at the apex, builds the NSEC or
// NSEC3 chain, signs every authoritative RRset on params.threads threads, and verifies the
// result before handing it back (verify_zone.h). Nothing here reads a clock or a file.

#include <span>

#include "signer/key.h"
#include "signer/signed_zone.h"

namespace zw::signer {

// Which keys do what at `now`, derived from flags and timing (per algorithm: the ZSKs
// sign zone data, or the KSKs when an algorithm has no ZSK, which makes them CSKs).
struct KeyUse {
    std::vector<const KeyPair*> published;
    std::vector<const KeyPair*> sign_dnskey;
    std::vector<const KeyPair*> sign_zone;
};

[[nodiscard]] Result<KeyUse> select_keys(std::span<const KeyPair> keys, Instant now);

[[nodiscard]] Result<SignedZone> sign_zone(zones::Zone zone, std::span<const KeyPair> keys,
                                           const SigningParams& params, SigningStats* stats = nullptr);

}  // namespace zw::signer
