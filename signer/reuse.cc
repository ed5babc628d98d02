#include "signer/reuse.h"

#include <algorithm>

#include "dns/rdata.h"
#include "dns/rrsig.h"

namespace zw::signer {

namespace {

// Stored before wanted: negative; the same RRset: zero; after: positive.
int compare(const StoredRRset& s, bool nsec3_section, const dns::Name& owner, std::uint16_t type) {
    if (s.nsec3_section != nsec3_section) return s.nsec3_section ? 1 : -1;
    const std::string& w = owner.wire();
    bool same_owner =
        std::equal(s.owner.begin(), s.owner.end(), w.begin(), w.end(),
                   [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
    if (!same_owner) {
        // Rare (only where names were added or removed): build the Name for the canonical order.
        auto stored = dns::Name::from_wire(s.owner);
        return stored ? dns::canonical_compare(*stored, owner) : -1;
    }
    return s.type < type ? -1 : (s.type > type ? 1 : 0);
}

// Serial-number distance b - a of two signature times (RFC 4034 §3.1.5).
std::int64_t ahead(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(b - a); }

}  // namespace

SignatureReuse::SignatureReuse(const SigningState* previous, const dns::Name& origin,
                               const SigningParams& params)
    : previous_(previous),
      origin_(origin),
      now_(dns::to_sig_time(params.now)),
      refresh_(params.refresh.count()),
      validity_(params.validity.count()) {
    if (!previous_ || previous_->origin() != origin) {
        previous_ = nullptr;
        return;
    }
    cursor_.emplace(previous_->cursor());
    for (const auto& rdata : previous_->keys()) {
        if (rdata.size() < 4) continue;
        StoredKey k{rdata[3], dns::key_tag(rdata), &rdata};
        for (auto& other : keys_) {
            // Two stored keys with one tag: a signature cannot be told apart, so neither is kept.
            if (other.algorithm == k.algorithm && other.tag == k.tag)
                other.rdata = k.rdata = nullptr;
        }
        keys_.push_back(k);
    }
}

const StoredRRset* SignatureReuse::find(bool nsec3_section, const dns::Name& owner,
                                        std::uint16_t type) {
    while (!cursor_->done()) {
        const StoredRRset& s = cursor_->get();
        int c = compare(s, nsec3_section, owner, type);
        if (c > 0) return nullptr;  // the wanted RRset is new
        if (c == 0) return &s;
        counts_.dropped += s.signature_count;  // an RRset that is gone
        cursor_->next();
    }
    return nullptr;
}

std::optional<std::uint64_t> SignatureReuse::reuse(bool nsec3_section, const dns::Name& owner,
                                                   zones::RRset& set,
                                                   std::span<const KeyPair* const> signers,
                                                   std::vector<bool>& covered) {
    covered.assign(signers.size(), false);
    if (!previous_) return std::nullopt;
    const StoredRRset* stored = find(nsec3_section, owner, set.type);
    if (!stored) return std::nullopt;
    if (!stored->same_data(set.ttl, set.rdatas)) {
        counts_.replaced += stored->signature_count;
        cursor_->next();
        return std::nullopt;
    }
    const std::uint64_t ordinal = cursor_->ordinal();
    const std::size_t before = set.signatures.size();
    const std::uint8_t labels = dns::rrsig_labels(owner);
    const std::string& signer_name = origin_.wire();
    StoredRRset::for_each_item(
        stored->signatures, stored->signature_count, [&](std::span<const std::uint8_t> sig) {
            // RRSIG RDATA: type(2) alg(1) labels(1) ttl(4) expiration(4) inception(4) tag(2) signer
            // ...
            if (sig.size() <= 18 + signer_name.size()) return;
            std::uint8_t alg = sig[2];
            std::uint16_t tag = dns::read_u16(sig.data() + 16);
            auto key = std::find_if(keys_.begin(), keys_.end(), [&](const StoredKey& k) {
                return k.algorithm == alg && k.tag == tag;
            });
            std::size_t slot = signers.size();
            if (key != keys_.end() && key->rdata) {
                for (std::size_t i = 0; i < signers.size(); ++i) {
                    if (!covered[i] && signers[i]->algorithm() == alg &&
                        signers[i]->dnskey_rdata() == *key->rdata)
                        slot = i;
                }
            }
            if (slot == signers.size()) {
                ++counts_.dropped;
                return;
            }
            bool fields_match = dns::read_u16(sig.data()) == set.type && sig[3] == labels &&
                                dns::read_u32(sig.data() + 4) == set.ttl &&
                                std::equal(signer_name.begin(), signer_name.end(), sig.begin() + 18,
                                           [](char a, std::uint8_t b) {
                                               return static_cast<std::uint8_t>(a) == b;
                                           });
            std::uint32_t expiration = dns::read_u32(sig.data() + 8),
                          inception = dns::read_u32(sig.data() + 12);
            // One that outlives a fresh signature was made under a longer validity than the
            // policy's now: renewing it keeps the lifetimes the rollover timing assumes.
            if (!fields_match || ahead(inception, now_) < 0 ||
                ahead(now_, expiration) <= refresh_ || ahead(now_, expiration) > validity_) {
                ++counts_.renewed;
                return;
            }
            set.signatures.push_back(
                zones::Signature::borrowed(sig));  // the SignedZone keeps the state alive
            covered[slot] = true;
            ++counts_.reused;
        });
    const bool all_kept = set.signatures.size() - before == stored->signature_count;
    cursor_->next();
    return all_kept ? std::optional(ordinal) : std::nullopt;
}

void SignatureReuse::finish() {
    if (!previous_) return;
    for (; !cursor_->done(); cursor_->next()) counts_.dropped += cursor_->get().signature_count;
}

}  // namespace zw::signer
