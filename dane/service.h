#pragma once
// A TLS service whose TLSA record zonewarden keeps in the zone (docs/dane.md, "TLSA
// services"): its owner, the certificate file as the ACME client writes it (or a key
// file), and the TLSA parameters. The record is computed from the file each time the zone
// is signed, so a renewed certificate with a new key changes the zone at the next pass.

#include <span>
#include <string>
#include <vector>

#include "dane/tlsa.h"

namespace zw::dane {

struct TlsService {
    dns::Name owner;    // absolute, inside the zone
    std::string cert;   // cert.pem or fullchain.pem; empty when `key` is given
    std::string chain;  // chain.pem or fullchain.pem, for usage 2
    std::string key;    // a public or private key file instead of a certificate
    TlsaParams params;
    std::uint32_t ttl = 3600;
    std::optional<SourceLocation> where;  // the configuration's file:line of the service
};

// One TLSA record per service, in the order given. An error names the service's
// configuration line and the file that could not be used.
[[nodiscard]] Result<std::vector<dns::Rr>> service_records(std::span<const TlsService> services);

}  // namespace zw::dane
