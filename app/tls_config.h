#pragma once
// The configuration's `tls:` section (docs/dane.md, "TLSA services"): per zone, the TLS
// services whose TLSA records zonewarden publishes in it.
//
//   tls:
//     alpha.example.:
//       - owner: _25._tcp.mail          # relative to the zone, or absolute with a final dot
//         cert: /etc/letsencrypt/live/mail/cert.pem
//         chain: /etc/letsencrypt/live/mail/chain.pem   # usage 2 only
//         usage: 3                      # 3 (DANE-EE, default) or 2 (DANE-TA)
//         selector: 1                   # 1 (SPKI, default) or 0 (certificate)
//         matching: 1                   # 1 (SHA-256, default) or 2 (SHA-512)
//         ttl: 3600

#include <map>
#include <string>
#include <vector>

#include "base/config_fields.h"
#include "dane/service.h"

namespace zw::app {

// Zone name (canonical text, "alpha.example.") -> its services.
using TlsServices = std::map<std::string, std::vector<dane::TlsService>>;

// config_error with file:line for a zone name that is not one, an owner outside its zone,
// a missing file name, parameters dane::tlsa_params refuses, or unknown keys.
[[nodiscard]] Result<TlsServices> read_tls_services(const ConfigNode& tls);

}  // namespace zw::app
