#include "registrar/http.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <strings.h>

#include <charconv>
#include <memory>
#include <mutex>

#include "base/c_handle.h"

namespace zw::registrar {

namespace {

using zw::Free;
using Easy = std::unique_ptr<CURL, Free<curl_easy_cleanup>>;
using Slist = std::unique_ptr<curl_slist, Free<curl_slist_free_all>>;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    // Registrar answers are small; a runaway body is cut off rather than filling memory.
    if (out->size() + size * n > (8u << 20)) return 0;
    out->append(data, size * n);
    return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* out = static_cast<Headers*>(user);
    std::string_view line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        auto trim = [](std::string_view s) {
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
            while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' '))
                s.remove_suffix(1);
            return std::string(s);
        };
        out->emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    } else if (line.starts_with("HTTP/")) {
        out->clear();  // a new response (after 100 Continue): keep only the final headers
    }
    return size * n;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

bool is_secret_header(std::string_view name) {
    for (std::string_view s : {"authorization", "proxy-authorization", "x-ovh-signature",
                               "x-ovh-consumer", "x-ovh-application", "cookie", "x-api-key"})
        if (iequals(name, s)) return true;
    return false;
}

std::string loggable_headers(const Headers& headers) {
    std::string out;
    for (const auto& [k, v] : headers) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{}: {}", k, is_secret_header(k) ? "<redacted>" : v);
    }
    return out;
}

std::optional<Seconds> retry_after(const HttpResponse& r) {
    auto v = r.header("Retry-After");
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || n < 0) return std::nullopt;
    return Seconds(std::min<std::int64_t>(n, 86400));
}

std::optional<std::string> link_next(std::string_view header) {
    // link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param ); values are separated
    // by commas, which cannot occur inside the <…> of a URI reference (RFC 8288 §3).
    std::size_t at = 0;
    while (at < header.size()) {
        auto open = header.find('<', at);
        if (open == std::string_view::npos) return std::nullopt;
        auto close = header.find('>', open);
        if (close == std::string_view::npos) return std::nullopt;
        auto end = header.find(',', close);
        std::string_view target = header.substr(open + 1, close - open - 1);
        std::string_view params = header.substr(
            close + 1, end == std::string_view::npos ? std::string_view::npos : end - close - 1);
        // rel="next" or rel=next; rel may hold several space-separated relation types.
        for (auto p = params.find(';'); p != std::string_view::npos; p = params.find(';', p + 1)) {
            auto param = params.substr(p + 1);
            param = param.substr(0, param.find(';'));
            while (!param.empty() && (param.front() == ' ' || param.front() == '\t'))
                param.remove_prefix(1);
            if (param.size() < 4 || ::strncasecmp(param.data(), "rel=", 4) != 0) continue;
            param.remove_prefix(4);
            while (!param.empty() && (param.back() == ' ' || param.back() == '\t'))
                param.remove_suffix(1);
            if (param.size() >= 2 && param.front() == '"' && param.back() == '"')
                param = param.substr(1, param.size() - 2);
            for (std::size_t i = 0; i < param.size();) {
                auto sp = param.find(' ', i);
                auto word =
                    param.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i);
                if (iequals(word, "next")) return std::string(target);
                if (sp == std::string_view::npos) break;
                i = sp + 1;
            }
        }
        if (end == std::string_view::npos) return std::nullopt;
        at = end + 1;
    }
    return std::nullopt;
}

HttpClient::HttpClient(HttpOptions options, LogSink& log, std::string registrar)
    : options_(std::move(options)), log_(&log), registrar_(std::move(registrar)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

RResult<HttpResponse> HttpClient::send(const HttpRequest& req) const {
    if (!req.url.starts_with("https://"))
        return reg_fail(ErrorKind::invalid, "registrar URLs must be https://: " + req.url);
    Easy curl(curl_easy_init());
    if (!curl) return reg_fail(ErrorKind::transient, "curl_easy_init failed");
    Slist headers;
    for (const auto& [k, v] : req.headers) {
        auto* next = curl_slist_append(headers.get(), fmt::format("{}: {}", k, v).c_str());
        if (next == nullptr) return reg_fail(ErrorKind::transient, "out of memory");
        (void)headers.release();
        headers.reset(next);
    }
    HttpResponse resp;
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.method == "GET") curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    // Verification is not configurable off: there is deliberately no setting for it.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    log_->event(LogLevel::debug, "registrar.http",
                {{"registrar", registrar_},
                 {"method", req.method},
                 {"url", req.url},
                 {"request_headers", loggable_headers(req.headers)},
                 {"status", std::to_string(resp.status)},
                 {"curl", rc == CURLE_OK ? "ok" : curl_easy_strerror(rc)}});
    if (rc == CURLE_OK) return resp;
    std::string what = fmt::format("{} {}: {}{}{}", req.method, req.url, curl_easy_strerror(rc),
                                   errbuf[0] ? ": " : "", errbuf);
    switch (rc) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return reg_fail(ErrorKind::authentication, "TLS certificate not trusted: " + what);
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:
            return reg_fail(ErrorKind::transient, what);  // nothing reached the application
        default: {
            RegistrarError e{ErrorKind::transient, what, std::nullopt, 0};
            // A timeout or a dropped connection may come after the server acted on the request.
            e.maybe_committed = req.method != "GET";
            return std::unexpected(e);
        }
    }
}

}  // namespace zw::registrar
