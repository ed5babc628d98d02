#pragma once
// cds: the parent scans the child (RFC 7344, RFC 8078). Nothing is sent anywhere: the
// receipt carries the CDS and CDNSKEY RRsets the signer must publish at the apex, signed by
// the KSK(s) like the DNSKEY RRset. Both types always describe the same keys, since some
// registries read CDS and others CDNSKEY (RFC 7344 §4: they must not disagree). Going
// insecure publishes the RFC 8078 §4 delete form. The executor in app/ hands the request to
// the signer; the live check of the parent's DS set decides when it took effect.

#include <memory>
#include <string>

#include "registrar/journal.h"
#include "registrar/registrar.h"

namespace zw::registrar {

struct CdsConfig {
    std::uint32_t ttl = 3600;  // use the DNSKEY TTL
};

// Pure: the records for a desired set.
[[nodiscard]] RResult<CdsRequest> cds_request(const DesiredSet& desired, std::uint32_t ttl);

[[nodiscard]] std::unique_ptr<Registrar> make_cds_registrar(std::string name, CdsConfig config,
                                                            Journal& journal);

}  // namespace zw::registrar
