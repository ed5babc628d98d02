#pragma once
// What a signing run is asked to do. Times come from the caller's `now`: the signer never
// reads a clock.

#include <cstdint>
#include <optional>
#include <vector>

#include "base/duration.h"
#include "dns/rr.h"
#include "signer/self_check.h"

namespace zw::signer {

struct Nsec3Params {
    std::uint16_t iterations = 0;  // RFC 9276 §3.1: 0
    dns::Bytes salt;               // RFC 9276 §3.1: empty
    bool opt_out = false;          // RFC 9276 §3.1: only for very large delegation-only zones
};

struct SigningParams {
    Instant now{};
    Seconds inception_offset{3600};   // back-dates inception for clocks that run behind
    Seconds validity{14 * 86400};
    Seconds jitter{12 * 3600};        // expirations spread over [validity - jitter, validity]
    // Incremental signing keeps a previous signature only while more than this is left of
    // it. At or above validity - jitter nothing is ever kept (every run re-signs all).
    Seconds refresh{5 * 86400};
    std::optional<Nsec3Params> nsec3; // NSEC when absent
    Seconds dnskey_ttl{3600};  // also CDS and CDNSKEY; at most 2^31-1 (RFC 2181 §8)
    std::vector<std::uint16_t> cds_key_tags;  // publish CDS (SHA-256) and CDNSKEY for these keys
    bool cds_delete = false;                  // RFC 8078 §4 delete form instead
    unsigned threads = 1;
    SelfCheck self_check = default_self_check;
};

// Refuses what cannot be signed: a TTL above 2^31-1, a `now` outside the 32-bit RRSIG
// times (RFC 4034 §3.1.5: 1970..2106), validity, jitter or offsets out of range.
[[nodiscard]] Result<void> validate(const SigningParams& params);

}  // namespace zw::signer
