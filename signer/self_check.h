#pragma once
// How much of the self-check is cryptography (docs/signer.md, "Self-check modes"). Both
// modes check everything else the same way: every signature's fields, validity, key and
// coverage, the chain, and signatures only where they belong.

#include <cstdint>
#include <optional>
#include <string_view>

namespace zw::signer {

enum class SelfCheck {
    // Every signature made in the run is verified by the public key in its DNSKEY RDATA.
    full,
    // Every signature made in the run is shown to be, byte for byte, one the signer made
    // over exactly the data it covers in the zone (signature_digest.h); the signatures of
    // the DNSKEY, CDS and CDNSKEY RRsets, those whose key tag names more than one key, the
    // first of each key in each stretch of nodes and one in sample_one_in() of the rest
    // are verified by the public key. Should the digests differ, everything is verified.
    sampled,
};

inline constexpr SelfCheck default_self_check = SelfCheck::sampled;

// One in 16 signatures of the algorithm, and one in 64 for ECDSA P-384, whose
// verification costs about three signings (bench/README.md, "Library rates"): the sample
// then costs about a twentieth of the signing on every algorithm.
[[nodiscard]] std::uint64_t sample_one_in(std::uint8_t algorithm);

[[nodiscard]] std::string_view self_check_name(SelfCheck mode);
[[nodiscard]] std::optional<SelfCheck> self_check_from_text(std::string_view text);

}  // namespace zw::signer
