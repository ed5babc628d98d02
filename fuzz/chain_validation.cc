// The validator (dns/chain_validation.cc) on answers an attacker shapes: the signatures,
// keys, DS sets and NSEC/NSEC3 proofs of one message, checked the way a live check checks
// them, at the instant the seed answers were signed for. Input byte 0 chooses: odd, the
// rest is a trust anchor file; even, the rest is a DNS message whose question names the
// zone (the question's parent for DS).

#include <optional>
#include <string_view>

#include "fuzz/target.h"
#include "live/chain_validation.h"
#include "live/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zw;
    if (size == 0) return 0;
    // The seeds' signatures are valid from 1699996400 to 1701206000 (fuzz/README.md).
    const Instant now{Seconds{1700000000}};
    if (data[0] & 1) {
        (void)live::parse_trust_anchor(
            std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), "fuzz.ds");
        return 0;
    }
    auto message = live::parse_message(std::span(data + 1, size - 1));
    if (!message || message->questions.empty()) return 0;
    const live::Question& q = message->questions.front();
    const dns::Name zone = q.type == dns::rrtype::DS ? q.name.parent() : q.name;

    std::vector<dns::Bytes> keys, ds;
    for (const auto* section : {&message->answer, &message->authority, &message->additional})
        for (const auto& rr : *section) {
            if (rr.type == dns::rrtype::DNSKEY) keys.push_back(rr.rdata);
            if (rr.type == dns::rrtype::DS) ds.push_back(rr.rdata);
        }
    for (const auto& set : live::group_rrsets(message->answer)) {
        // The zone its first signature claims (RRSIG RDATA: the signer's name at octet 18),
        // so that a seed's valid signature is checked as valid.
        const dns::Name* signer_zone = &zone;
        std::optional<dns::Name> signer;
        if (!set.rrsigs.empty() && set.rrsigs.front().rdata.size() > 18)
            if (auto n = dns::Name::from_wire(std::span(set.rrsigs.front().rdata).subspan(18))) {
                signer = std::move(*n);
                signer_zone = &*signer;
            }
        (void)live::verify_rrset(set, *signer_zone, keys, now);
        if (set.type == dns::rrtype::DNSKEY) {
            (void)live::validate_dnskey_set(set, set.owner, ds, {}, now);
            (void)live::validate_dnskey_set(set, set.owner, {}, keys, now);
        }
    }
    (void)live::prove_nodata(*message, q.name, q.type, zone, keys, now);
    (void)live::prove_no_ds(*message, q.name, q.name.parent(), keys, now);
    return 0;
}
