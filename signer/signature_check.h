#pragma once
// The signature part of the self-check (verify_zone.h): each RRSIG's fields, validity and
// key, its cryptography (every fresh one in full mode, a stated subset in sampled mode,
// self_check.h), and the algorithm coverage of each RRset; signatures only on
// authoritative RRsets.

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "dns/dnssec.h"
#include "signer/check_problems.h"
#include "signer/params.h"
#include "signer/self_check.h"
#include "signer/signature_digest.h"
#include "signer/signed_zone.h"

namespace zw::signer {

struct PublishedKey {
    dns::Dnskey dnskey;
    std::uint16_t tag;
};

// What every RRset's signatures are checked against: the DNSKEY RRset and the unpublished
// signers.
struct KeySet {
    std::vector<PublishedKey> keys;
    std::set<std::uint8_t> algorithms, sep_algorithms;
};

// Bit i of trusted[r] marks signature i of the r-th RRset as reused (verify_zone.h).
using TrustedSignatures = std::vector<std::uint64_t>;

struct SignatureCheckPlan {
    SelfCheck mode = SelfCheck::full;
    // The key of the signer's digest: the check then adds up the fresh signatures it
    // finds. Needed for sampled mode, which without it verifies everything.
    const SignatureDigest* digest_key = nullptr;
    SigningProgress* progress = nullptr;  // when set: counts the nodes checked
};

struct SignatureCheckResult {
    std::optional<SignatureDigest> seen;  // when the plan had a digest key
    std::size_t verified = 0;             // signatures verified by the public key
};

[[nodiscard]] SignatureCheckResult check_signatures(const SignedZone& sz, const KeySet& keys,
                                                    std::uint32_t now, unsigned threads,
                                                    const TrustedSignatures& trusted,
                                                    const SignatureCheckPlan& plan,
                                                    Problems& problems);

}  // namespace zw::signer
