#pragma once
// Which signatures of the previous run a signing run keeps. Walked in the order of
// SignedZone::for_each_node, in step with the stored state, so matching costs one pass.
//
// A stored signature is kept for an RRset when all of these hold:
//   - the stored RRset has the same owner, type, TTL and RDATA, byte for byte;
//   - its key (by algorithm and tag, unambiguous among the stored keys) has the same DNSKEY
//     RDATA as a key that must sign this RRset now: keys that left the signer set leave
//     no signature behind, keys that joined sign everything;
//   - its fields are the ones a fresh signature would have (type, labels, TTL, signer);
//   - it is valid now and still beyond the refresh point: expiration - now > refresh;
//   - it does not outlive a fresh one: expiration - now <= validity (after the policy's
//     validity was shortened, older and longer signatures are renewed).
// Signatures inside the refresh point are renewed; since every fresh signature expires at
// now + validity - jitter(owner, type), renewals of a zone signed at once spread over the
// jitter window instead of falling due together.

#include <optional>
#include <span>

#include "signer/sign_zone.h"
#include "signer/signing_state.h"

namespace zw::signer {

struct ReuseCounts {
    std::size_t reused = 0;
    std::size_t renewed = 0;   // inside the refresh point (or not yet valid): signed again
    std::size_t replaced = 0;  // over RRset data that changed
    std::size_t dropped = 0;   // by a key that no longer signs this RRset
};

class SignatureReuse {
  public:
    // previous may be null (nothing to reuse).
    SignatureReuse(const SigningState* previous, const dns::Name& origin,
                   const SigningParams& params);

    // Appends the kept signatures to set.signatures (owned by `owner`) and sets covered[i]
    // for each signers[i] that needs no new signature. Calls must come in for_each_node
    // order, for every RRset: an unsigned one has no signers. Returns the stored record's
    // ordinal when the RRset is the stored one with all its signatures kept: if no
    // signature is added, it is unchanged.
    std::optional<std::uint64_t> reuse(bool nsec3_section, const dns::Name& owner,
                                       zones::RRset& set, std::span<const KeyPair* const> signers,
                                       std::vector<bool>& covered);

    // Counts what is left of the stored state as dropped; call after the last reuse().
    void finish();

    [[nodiscard]] const ReuseCounts& counts() const { return counts_; }

  private:
    struct StoredKey {
        std::uint8_t algorithm;
        std::uint16_t tag;
        const dns::Bytes* rdata;  // null when another stored key has the same algorithm and tag
    };
    [[nodiscard]] const StoredRRset* find(bool nsec3_section, const dns::Name& owner,
                                          std::uint16_t type);

    const SigningState* previous_;
    std::optional<SigningState::Cursor> cursor_;
    const dns::Name& origin_;
    std::vector<StoredKey> keys_;
    std::uint32_t now_;
    std::int64_t refresh_;
    std::int64_t validity_;
    ReuseCounts counts_;
};

}  // namespace zw::signer
