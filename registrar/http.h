#pragma once
// HTTPS for registrar APIs, through libcurl. The peer's certificate and host name are
// always verified; a CA file can be configured (for a private CA), verification cannot be
// turned off. Connect and whole-transfer timeouts are always set. Request headers that carry
// credentials or signatures are redacted before anything is logged.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/duration.h"
#include "base/log.h"
#include "registrar/error.h"

namespace zw::registrar {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpOptions {
    std::string ca_file;  // empty: the system trust store
    Seconds connect_timeout{10};
    Seconds timeout{30};  // the whole request, connect included
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;  // https:// only
    Headers headers;
    std::string body;
};

struct HttpResponse {
    long status = 0;
    Headers headers;
    std::string body;
    // Case-insensitive (RFC 9110 §5.1).
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

// Authorization, X-Ovh-Signature, X-Ovh-Consumer, X-Ovh-Application, cookies and API keys.
[[nodiscard]] bool is_secret_header(std::string_view name);
// "Name: value, Name: <redacted>" for logs.
[[nodiscard]] std::string loggable_headers(const Headers& headers);
// The target of the rel="next" link in an RFC 8288 Link header value, if any.
[[nodiscard]] std::optional<std::string> link_next(std::string_view header);
// RFC 9110 §10.2.3 Retry-After in seconds (the HTTP-date form is not used by these APIs).
[[nodiscard]] std::optional<Seconds> retry_after(const HttpResponse& r);

class HttpClient {
  public:
    HttpClient(HttpOptions options, LogSink& log, std::string registrar);
    // Transport failures are transient; one that can have happened after the request left
    // (timeout, connection lost) is marked maybe_committed for a non-GET. A certificate
    // that does not verify is an authentication error: retrying cannot help.
    [[nodiscard]] RResult<HttpResponse> send(const HttpRequest& request) const;

  private:
    HttpOptions options_;
    LogSink* log_;
    std::string registrar_;
};

}  // namespace zw::registrar
