#pragma once
// A small HTTP/1.1 server for the daemon's status endpoints (Boost.Beast), on a thread of
// its own, so a long pass never delays a scrape and a stuck client never delays a pass.
// Only GET and HEAD (405 otherwise); every request is bounded (header size, no body, read
// and write timeouts, connections at once, requests per connection); nothing a client or
// a handler does can end the process: a handler's exception becomes a 500.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/log.h"

namespace zw::app {

struct HttpReply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

struct HttpLimits {
    std::size_t header_bytes = 8 * 1024;
    std::size_t body_bytes = 1024;  // GET and HEAD carry none; a little slack for odd clients
    std::chrono::seconds read_timeout{10};  // also the keep-alive idle time
    std::chrono::seconds write_timeout{30};
    std::size_t connections = 64;
    unsigned requests_per_connection = 100;
};

// path: the request target before '?', query: after it (raw, still percent-encoded).
using HttpHandler = std::function<HttpReply(std::string_view path, std::string_view query)>;

class HttpServer {
  public:
    // Listens on address:port (port 0: any free port, see port()) and serves until destroyed.
    [[nodiscard]] static Result<std::unique_ptr<HttpServer>> start(const std::string& address,
                                                                   std::uint16_t port,
                                                                   HttpHandler handler,
                                                                   LogSink& log,
                                                                   HttpLimits limits = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    [[nodiscard]] std::uint16_t port() const;

    struct Impl;

  private:
    explicit HttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace zw::app
