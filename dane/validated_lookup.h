#pragma once
// One RRset (a TLSA set, an MX set) asked of the authoritative servers of the zone that
// holds it and validated from the trust anchor with the live side's chain validator —
// the lookup a DANE client makes through its validating resolver (RFC 7672 §2.2), done
// here against the servers themselves so that the state is ours, not a resolver's AD bit.

#include <cstdint>
#include <string>
#include <vector>

#include "live/chain_validation.h"

namespace zw::dane {

struct ValidatedRrset {
    dns::Name owner;
    std::uint16_t type = 0;
    dns::Name zone;      // the zone that holds owner
    std::string server;  // the address that answered, "ns1.example./192.0.2.1"
    // secure: present and signed, or its absence proven; insecure: the zone has no chain
    // of trust (no DS above); bogus: signatures or proofs that do not verify;
    // indeterminate: not settled (no server answered, or an unverified NXDOMAIN).
    live::Validation validation;
    bool present = false;
    bool nxdomain = false;
    std::uint32_t ttl = 0;
    std::vector<dns::Bytes> rdatas;
};

// outside_error when the zone or its servers cannot be found or none of them answers.
[[nodiscard]] Result<ValidatedRrset> fetch_validated(live::Client& client,
                                                     live::Discoverer& discoverer,
                                                     live::ChainValidator& chain,
                                                     const dns::Name& owner, std::uint16_t type);

}  // namespace zw::dane
