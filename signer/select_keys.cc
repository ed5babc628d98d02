// Which keys publish and which sign, from their timing (sign_zone.h, select_keys).
#include <fmt/format.h>

#include <map>
#include <set>

#include "signer/sign_zone.h"

namespace zw::signer {

Result<KeyUse> select_keys(std::span<const KeyPair> keys, Instant now) {
    KeyUse use;
    std::map<std::uint8_t, std::pair<std::vector<const KeyPair*>, std::vector<const KeyPair*>>>
        by_alg;  // ksk, zsk
    for (const auto& k : keys) {
        if (!dns::algorithm_supported(k.algorithm())) {
            return fail(
                bad_input(fmt::format("key {} uses algorithm {}, which zonewarden cannot sign with",
                                      k.base_name(), dns::algorithm_mnemonic(k.algorithm()))));
        }
        if (!k.timing().published_at(now)) continue;
        use.published.push_back(&k);
        if (!k.timing().active_at(now)) continue;
        auto& [ksks, zsks] = by_alg[k.algorithm()];
        (k.is_ksk() ? ksks : zsks).push_back(&k);
    }
    if (use.published.empty())
        return fail(bad_input("no key is published at this time; nothing to sign with"));
    std::set<std::uint8_t> published_algs;
    for (const KeyPair* k : use.published) published_algs.insert(k->algorithm());
    for (std::uint8_t a : published_algs) {
        auto& [ksks, zsks] = by_alg[a];
        // RFC 4035 §2.2: every algorithm in the DNSKEY RRset must sign every RRset.
        if (ksks.empty() && zsks.empty()) {
            return fail(bad_input(
                fmt::format("{} keys are published but none is active; validators would find "
                            "RRsets without a {} signature (RFC 4035 §2.2)",
                            dns::algorithm_mnemonic(a), dns::algorithm_mnemonic(a))));
        }
        const auto& dnskey_signers = ksks.empty() ? zsks : ksks;
        const auto& zone_signers = zsks.empty() ? ksks : zsks;
        use.sign_dnskey.insert(use.sign_dnskey.end(), dnskey_signers.begin(), dnskey_signers.end());
        use.sign_zone.insert(use.sign_zone.end(), zone_signers.begin(), zone_signers.end());
    }
    return use;
}

}  // namespace zw::signer
