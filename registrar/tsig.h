#pragma once
// TSIG (RFC 8945) for the UPDATE messages of the rfc2136 adapter: HMAC-SHA256, -SHA384 and
// -SHA512 (§6: SHA-256 mandatory, SHA-384/512 optional; MD5 and SHA-1 not accepted). Done
// here rather than through ldns, whose 1.8 releases cannot name hmac-sha384. Pure functions
// over wire-format messages; the time is passed in.

#include <cstdint>
#include <string>
#include <vector>

#include "dns/rdata.h"
#include "registrar/credentials.h"
#include "registrar/error.h"

namespace zw::registrar {

using Wire = dns::Bytes;

// The algorithms accepted in key files, by their RFC 8945 names ("hmac-sha256").
[[nodiscard]] bool tsig_algorithm_supported(std::string_view name);

struct SignedMessage {
    Wire wire;  // the message with its TSIG record appended
    Wire mac;   // the request MAC, which the answer's MAC covers (§5.3)
};

// Appends a TSIG record signing `message` (§4.3.1, §5.1).
[[nodiscard]] RResult<SignedMessage> tsig_sign(const Wire& message, const TsigKey& key,
                                               std::int64_t now, std::uint16_t fudge = 300);

// Checks the TSIG record of an answer to a request signed with `request_mac` (§5.3): the
// same key and algorithm, a MAC over request MAC + answer + TSIG variables, and a time within
// the fudge. An answer without TSIG is an authentication error naming its RCODE.
[[nodiscard]] RResult<void> tsig_verify(const Wire& answer, const TsigKey& key,
                                        const Wire& request_mac, std::int64_t now);

}  // namespace zw::registrar
