#pragma once
// Gandi's v5 domain API, the DNSSEC keys a domain has at its registry. The facts relied on,
// each with its source, are listed in docs/registrars.md ("gandi"):
//   GET    /v5/domain/domains/{fqdn}/dnskeys?page=N&per_page=M   a JSON array of key
//          objects {id (integer), keytag, algorithm, digest, digest_type, type ("none" |
//          "zsk" | "ksk"), public_key (optional), href}; no `flags`. More pages are named by
//          an RFC 8288 `Link: <url>; rel="next"` header.
//   POST   /v5/domain/domains/{fqdn}/dnskeys {"algorithm", "type", "public_key"} → {"message"}
//          with no id: the key is found by listing, and may take a while to appear there.
//   DELETE /v5/domain/domains/{fqdn}/dnskeys/{id} → {"message"}; may complete later.
// Authentication: "Authorization: Bearer <personal access token>". Errors are JSON
// {"code", "message", "object", "cause"} (400 adds "errors": [{"location", "name",
// "description"}]); 401 is a bad token, 403 a token without rights on the domain.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registrar/answer.h"
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

// The answer parsers, callable on (method, url, status, headers, body) without a network.

// One page of the key listing: its keys and the rel="next" URL, if any. A key whose `type`
// is "none" or unknown is a bad_answer: its DNSKEY flags are never guessed.
struct GandiPage {
    std::vector<Entry> keys;
    std::optional<std::string> next;
};
[[nodiscard]] RResult<GandiPage> gandi_parse_list(const Exchange& ex);
// The answer to POST …/dnskeys (accepted: the key shows in the listing later).
[[nodiscard]] RResult<Submitted> gandi_parse_add(const Exchange& ex);
// The answer to DELETE …/dnskeys/{id} (202: accepted, done later; 200/204: done).
[[nodiscard]] RResult<Submitted> gandi_parse_remove(const Exchange& ex);
// A Gandi error answer as a typed error.
[[nodiscard]] RegistrarError gandi_error(const HttpResponse& r, std::string_view what);

// The DNSKEY flags a Gandi key type stands for (RFC 4034 §2.1.1: 257 with SEP for a KSK,
// 256 for a ZSK), and back. "none" and anything else have none.
[[nodiscard]] std::optional<std::uint16_t> gandi_type_flags(std::string_view type);
[[nodiscard]] std::optional<std::string_view> gandi_flags_type(std::uint16_t flags);

}  // namespace zw::registrar
