#include "app/http_server.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

namespace zw::app {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
    // Declared first: sessions still queued when `io` is destroyed count themselves out.
    std::atomic<std::size_t> open{0};
    HttpHandler handler;
    LogSink& log;
    HttpLimits limits;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    asio::steady_timer retry{io};
    std::thread thread;

    Impl(HttpHandler h, LogSink& l, HttpLimits lim) : handler(std::move(h)), log(l), limits(lim) {}

    void note(std::string_view what, std::string detail) {
        log.event(LogLevel::warning, "http",
                  {{"what", std::string(what)}, {"detail", std::move(detail)}});
    }
    void accept();
    HttpReply answer(std::string_view target);
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, HttpServer::Impl& server)
        : stream_(std::move(socket)), server_(server) {
        ++server_.open;
    }
    ~Session() { --server_.open; }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.limits.header_bytes));
        parser_->body_limit(server_.limits.body_bytes);
        stream_.expires_after(server_.limits.read_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

  private:
    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof)
            return close();
        if (ec == http::error::header_limit) return refuse(431, "request header too large\n");
        if (ec == http::error::body_limit) return refuse(413, "GET and HEAD take no body\n");
        if (ec) return refuse(400, "bad request\n");
        const auto& req = parser_->get();
        ++served_;
        const bool keep = req.keep_alive() && served_ < server_.limits.requests_per_connection;
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            HttpReply r{405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
            return send(r, req.version(), keep, false, true);
        }
        HttpReply r = server_.answer(std::string_view(req.target().data(), req.target().size()));
        send(r, req.version(), keep, req.method() == http::verb::head, false);
    }

    // A request that cannot be parsed: answer once and close.
    void refuse(unsigned status, std::string body) {
        HttpReply r{status, "text/plain; charset=utf-8", std::move(body)};
        send(r, 11, false, false, false);
    }

    template <class Body>
    void prepare(http::response<Body>& res, const HttpReply& r, bool keep, bool allow) {
        res.set(http::field::server, "zonewarden");
        res.set(http::field::content_type, r.content_type);
        res.set(http::field::cache_control, "no-store");
        res.set("X-Content-Type-Options", "nosniff");
        // The page is self-contained: no request may leave for anywhere else.
        res.set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                "img-src data:; "
                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
        if (allow) res.set(http::field::allow, "GET, HEAD");
        res.keep_alive(keep);
    }

    void send(const HttpReply& r, unsigned version, bool keep, bool head, bool allow) {
        stream_.expires_after(server_.limits.write_timeout);
        auto status = static_cast<http::status>(r.status);
        if (head) {
            auto res = std::make_shared<http::response<http::empty_body>>(status, version);
            prepare(*res, r, keep, allow);
            res->content_length(r.body.size());
            write(std::move(res), keep);
        } else {
            auto res = std::make_shared<http::response<http::string_body>>(status, version, r.body);
            prepare(*res, r, keep, allow);
            res->prepare_payload();
            write(std::move(res), keep);
        }
    }

    template <class Message>
    void write(std::shared_ptr<Message> res, bool keep) {
        http::async_write(
            stream_, *res,
            [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
                if (ec || !keep) return self->close();
                self->read();
            });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    HttpServer::Impl& server_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    unsigned served_ = 0;
};

}  // namespace

HttpReply HttpServer::Impl::answer(std::string_view target) {
    if (target.empty() || target.front() != '/')
        return {400, "text/plain; charset=utf-8", "bad request target\n"};
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    std::string_view query =
        q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    try {
        return handler(path, query);
    } catch (const std::exception& e) {
        note("handler failed", fmt::format("{}: {}", path, e.what()));
    } catch (...) {
        note("handler failed", std::string(path));
    }
    return {500, "text/plain; charset=utf-8", "internal error; see the daemon's log\n"};
}

void HttpServer::Impl::accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) {
            // Out of descriptors and the like: try again shortly rather than spin.
            note("accept failed", ec.message());
            retry.expires_after(std::chrono::milliseconds(200));
            retry.async_wait([this](beast::error_code e) {
                if (!e) accept();
            });
            return;
        }
        if (open.load() >= limits.connections) {
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            std::make_shared<Session>(std::move(socket), *this)->read();
        }
        accept();
    });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string& address,
                                                      std::uint16_t port, HttpHandler handler,
                                                      LogSink& log, HttpLimits limits) {
    auto impl = std::make_unique<Impl>(std::move(handler), log, limits);
    beast::error_code ec;
    auto ip = asio::ip::make_address(address, ec);
    if (ec)
        return fail(config_error(fmt::format("http.listen: '{}' is not an IP address", address)));
    tcp::endpoint where{ip, port};
    auto& a = impl->acceptor;
    a.open(where.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(where, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return fail(outside_error(fmt::format("cannot listen for HTTP on {}: {}",
                                              ip.is_v6() ? fmt::format("[{}]:{}", address, port)
                                                         : fmt::format("{}:{}", address, port),
                                              ec.message())));
    impl->accept();
    Impl* p = impl.get();
    impl->thread = std::thread([p] {
        for (;;) {
            try {
                p->io.run();
                return;
            } catch (const std::exception& e) {
                p->note("server loop", e.what());
            } catch (...) {
                p->note("server loop", "unknown exception");
            }
        }
    });
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() {
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t HttpServer::port() const {
    beast::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

}  // namespace zw::app
