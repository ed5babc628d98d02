#pragma once
// DNS UPDATE (RFC 2136) to a parent zone we run, over TCP, TSIG-signed (RFC 8945) with
// hmac-sha256, -sha384 or -sha512, optionally from a chosen source address (and port), as a
// parent that takes updates only from the signer's address AND with the key requires.
// Whole-set: one UPDATE adds the new DS records and deletes the old ones, with a
// prerequisite that the DS RRset is still exactly what we listed (RFC 2136 §2.4.2; §2.4.3
// when it was empty), so a concurrent change makes the server answer NXRRSET instead of
// being overwritten. Because of that prerequisite a resend can never duplicate or undo
// anything, so lost answers are simply retried.

#include <memory>
#include <optional>
#include <string>

#include "live/server.h"
#include "registrar/api.h"
#include "registrar/credentials.h"

namespace zw::registrar {

struct Rfc2136Config {
    live::Server server;                   // an IPv4 or IPv6 literal and a port
    std::optional<live::Server> source;    // where queries and updates leave from (port 0: any)
    std::optional<dns::Name> parent_zone;  // default: the child's parent name
    TsigKey key;
    std::uint32_t ds_ttl = 3600;
    Seconds timeout{5};
};

[[nodiscard]] std::unique_ptr<Api> make_rfc2136_api(Rfc2136Config config);

}  // namespace zw::registrar
