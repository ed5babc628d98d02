#pragma once
// OVHcloud's API, DS records of a domain:
//   GET  /domain/{name}/dsRecord            ids;  GET /domain/{name}/dsRecord/{id}  one key
//   POST /domain/{name}/dsRecord {"keys": [{algorithm, flags, publicKey, tag}]}
//        replaces the WHOLE set and returns a task; GET /domain/{name}/task/{id} until its
//        status goes todo → doing → done | error (or cancelled)
// Every call is signed: X-Ovh-Application, X-Ovh-Consumer, X-Ovh-Timestamp and
// X-Ovh-Signature = "$1$" + SHA1(AS+CK+METHOD+URL+BODY+TIMESTAMP joined by "+"), with the
// timestamp taken from the server's clock (GET /auth/time) since the API refuses requests
// outside a small window ("QUERY_TIME_OUT"). Errors are {"class", "message"} or
// {"errorCode", "httpCode", "message"}.

#include <memory>
#include <string>

#include "registrar/api.h"
#include "registrar/http.h"

namespace zw::registrar {

struct OvhConfig {
    std::string url = "https://eu.api.ovh.com/1.0";
    std::string application_key, application_secret, consumer_key;
    HttpOptions http;
    std::size_t max_entries = 4;  // what .com/.net and most registries behind OVH accept
};

// JSON {"application_key", "application_secret", "consumer_key"} from a secret source.
[[nodiscard]] Result<OvhConfig> ovh_credentials(std::string_view json, OvhConfig base);

[[nodiscard]] std::unique_ptr<Api> make_ovh_api(OvhConfig config, LogSink& log, std::string name);

// Exposed for unit tests.
[[nodiscard]] std::string ovh_signature(std::string_view application_secret,
                                        std::string_view consumer_key, std::string_view method,
                                        std::string_view url, std::string_view body,
                                        std::int64_t timestamp);
[[nodiscard]] RegistrarError ovh_error(const HttpResponse& r, std::string_view what);

}  // namespace zw::registrar
