#pragma once
// Signs a zone: adds DNSKEY, CDS/CDNSKEY and NSEC3PARAM at the apex, builds the NSEC or
// NSEC3 chain, signs every authoritative RRset on params.threads threads, and verifies the
// result before handing it back (verify_zone.h). Nothing here reads a clock or a file.

#include <span>

#include "signer/key.h"
#include "signer/signed_zone.h"
#include "signer/verify_zone.h"

namespace zw::signer {

// Which keys do what: `published` are the DNSKEY RRset; `sign_dnskey` sign the DNSKEY,
// CDS and CDNSKEY RRsets, `sign_zone` everything else. A signer need not be published: in
// an algorithm rollover the new algorithm's signatures go out before its DNSKEY (RFC 6781
// §4.1.4), and resolvers ignore signatures whose key they do not have yet.
struct KeyUse {
    std::vector<const KeyPair*> published;
    std::vector<const KeyPair*> sign_dnskey;
    std::vector<const KeyPair*> sign_zone;
};
// From flags and BIND timing at `now` (per algorithm: the ZSKs sign zone data, or the
// KSKs when an algorithm has no ZSK, which makes them CSKs).

[[nodiscard]] Result<KeyUse> select_keys(std::span<const KeyPair> keys, Instant now);

[[nodiscard]] Result<SignedZone> sign_zone(zones::Zone zone, std::span<const KeyPair> keys,
                                           const SigningParams& params,
                                           SigningStats* stats = nullptr);
// With the key use decided by the caller (the rollover executor), not by key timing.
[[nodiscard]] Result<SignedZone> sign_zone(zones::Zone zone, const KeyUse& use,
                                           const SigningParams& params,
                                           SigningStats* stats = nullptr);

class SigningState;
// Incremental signing: the same result, but signatures stored in `previous` (the state of
// an earlier run, signing_state.h; null for none) are kept where reuse.h allows, so the
// signing work is proportional to what changed plus what falls inside params.refresh.
// A state of another origin is ignored (SigningState::read refuses one already).
// The self-check still covers the whole output; kept signatures skip only their
// cryptographic verification (docs/signer.md). Save the result's state with
// write_signing_state() (or SigningState::of) for the next run.
[[nodiscard]] Result<SignedZone> sign_zone_incremental(zones::Zone zone, const KeyUse& use,
                                                       const SigningParams& params,
                                                       const SigningState& previous,
                                                       SigningStats* stats = nullptr);

// A zone signed but not yet through its self-check: the check is what makes it a
// SignedZone. Until then it may be read, to write it under a temporary name while the
// check runs (zones::StagedFile), but nothing made from it may be published.
class UncheckedZone {
  public:
    [[nodiscard]] const SignedZone& zone() const { return zone_; }
    // Runs the self-check (verify_zone.h), adding its time to stats. It only reads the
    // zone, so zone() may be read beside it.
    [[nodiscard]] Result<void> check(SigningStats* stats = nullptr);
    // The zone, once check() has passed (a logic error before).
    [[nodiscard]] SignedZone take() &&;
    // What the run signed, for the sampled check; null in full mode.
    [[nodiscard]] const SignatureDigest* made() const { return made_ ? &*made_ : nullptr; }

  private:
    friend Result<UncheckedZone> sign_zone_unchecked(zones::Zone, const KeyUse&,
                                                     const SigningParams&, const SigningState*,
                                                     SigningStats*);
    UncheckedZone() = default;
    SignedZone zone_;
    TrustedSignatures trusted_;  // reused signatures: their cryptographic check is skipped
    SelfCheck self_check_ = SelfCheck::full;
    std::optional<SignatureDigest> made_;  // what the run signed, for the sampled check
    Instant now_{};
    unsigned threads_ = 1;
    SigningProgress* progress_ = nullptr;
    bool checked_ = false;
};

// sign_zone and sign_zone_incremental (previous non-null) without the self-check, which
// the caller must run before using the zone.
[[nodiscard]] Result<UncheckedZone> sign_zone_unchecked(zones::Zone zone, const KeyUse& use,
                                                        const SigningParams& params,
                                                        const SigningState* previous,
                                                        SigningStats* stats = nullptr);

}  // namespace zw::signer
