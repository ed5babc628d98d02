#pragma once
// What a signing run is asked to do. Times come from the caller's `now`: the signer never
// reads a clock.

#include <atomic>
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

// How far a run is, for a display on another thread (app/progress.h): the signer only
// counts. Signing counts signatures made, checking counts nodes verified; the caller sets
// the phases around them (reading the zone, writing the output).
struct SigningProgress {
    enum class Phase { reading, signing, checking, writing };
    std::atomic<Phase> phase{Phase::reading};
    std::atomic<std::uint64_t> done{0};
    std::atomic<std::uint64_t> total{0};

    void start(Phase p, std::uint64_t units) {
        total = units;
        done = 0;
        phase = p;
    }
    void add(std::uint64_t units) { done.fetch_add(units, std::memory_order_relaxed); }
};

struct SigningParams {
    Instant now{};
    Seconds inception_offset{3600};  // back-dates inception for clocks that run behind
    Seconds validity{14 * 86400};
    Seconds jitter{12 * 3600};  // expirations spread over [validity - jitter, validity]
    // Incremental signing keeps a previous signature only while more than this is left of
    // it. At or above validity - jitter nothing is ever kept (every run re-signs all).
    Seconds refresh{5 * 86400};
    std::optional<Nsec3Params> nsec3;         // NSEC when absent
    Seconds dnskey_ttl{3600};                 // also CDS and CDNSKEY; at most 2^31-1 (RFC 2181 §8)
    std::vector<std::uint16_t> cds_key_tags;  // publish CDS (SHA-256) and CDNSKEY for these keys
    bool cds_delete = false;                  // RFC 8078 §4 delete form instead
    unsigned threads = 1;
    SelfCheck self_check = default_self_check;
    SigningProgress* progress = nullptr;  // counted into when set
};

// Refuses what cannot be signed: a TTL above 2^31-1, a `now` outside the 32-bit RRSIG
// times (RFC 4034 §3.1.5: 1970..2106), validity, jitter or offsets out of range.
[[nodiscard]] Result<void> validate(const SigningParams& params);

}  // namespace zw::signer
