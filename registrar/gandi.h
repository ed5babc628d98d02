#pragma once
// Gandi's v5 domain API, DNSSEC keys of a domain:
//   GET    /v5/domain/domains/{fqdn}/dnskeys?page=N&per_page=M   list (Total-Count header)
//   POST   /v5/domain/domains/{fqdn}/dnskeys {flags, algorithm, public_key}
//          → 202/201 {"message": ...} with no id: the key is found by listing, and may take a
//          while to appear there (the registry is asked asynchronously)
//   DELETE /v5/domain/domains/{fqdn}/dnskeys/{id}
// Authentication: "Authorization: Bearer <personal access token>". Errors are JSON
// {"code", "message", "object", "cause", "errors": [{"location", "name", "description"}]}.

#include <memory>
#include <string>

#include "registrar/api.h"
#include "registrar/http.h"

namespace zw::registrar {

struct GandiConfig {
    std::string url = "https://api.gandi.net/v5";
    std::string token;  // read by the factory from a file or the environment
    HttpOptions http;
    int page_size = 100;
};

[[nodiscard]] std::unique_ptr<Api> make_gandi_api(GandiConfig config, LogSink& log,
                                                  std::string name);

// Maps a Gandi error answer to a typed error (exposed for unit tests).
[[nodiscard]] RegistrarError gandi_error(const HttpResponse& r, std::string_view what);

}  // namespace zw::registrar
