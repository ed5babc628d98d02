#include "live/client.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>

#include "dns/rdata.h"

namespace zw::live {

namespace asio = boost::asio;
using asio::awaitable;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

std::string Server::label() const {
    bool v6 = address.find(':') != std::string::npos;
    if (port == 53) return address;
    return v6 ? fmt::format("[{}]:{}", address, port) : fmt::format("{}:{}", address, port);
}

std::string_view name(Transport t) {
    switch (t) {
        case Transport::udp: return "udp";
        case Transport::tcp: return "tcp";
    }
    return "?";
}

std::string_view name(QueryFailure f) {
    switch (f) {
        case QueryFailure::timeout: return "timeout";
        case QueryFailure::unreachable: return "unreachable";
        case QueryFailure::bad_address: return "bad address";
        case QueryFailure::malformed: return "malformed answer";
    }
    return "?";
}

namespace {

// RFC 5452 §9.2: the ID must be unpredictable; the kernel's ephemeral port choice adds
// the source-port entropy.
std::uint16_t random_id() {
    std::uint8_t b[2] = {0, 0};
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
    return dns::read_u16(b);
}

enum class AttemptEnd { answered, timeout, unreachable, malformed };

struct Attempt {
    AttemptEnd end = AttemptEnd::timeout;
    Message message;
    std::size_t size = 0;
    std::string detail;
};

auto redirect(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

std::chrono::milliseconds since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t);
}

}  // namespace

struct Client::Impl {
    ClientOptions options;
    ClientStats stats;
    asio::io_context ctx{1};

    awaitable<Attempt> udp_attempt(const asio::ip::udp::endpoint& to, const Request& r) {
        const std::uint16_t id = random_id();
        const dns::Bytes query = build_query(id, r.question, r.options);
        // Shared with the timer's handler, which may still run after this frame is gone.
        auto sock = std::make_shared<asio::ip::udp::socket>(ctx);
        error_code ec;
        sock->open(to.protocol(), ec);
        // A connected UDP socket gets a random ephemeral port and reports ICMP port
        // unreachable as ECONNREFUSED, so a server that is down fails fast.
        if (!ec) sock->connect(to, ec);
        if (ec) co_return Attempt{AttemptEnd::unreachable, {}, 0, ec.message()};
        asio::steady_timer timer(ctx);
        timer.expires_after(options.timeout);
        timer.async_wait([sock](error_code e) {
            error_code ignored;
            if (!e) sock->cancel(ignored);
        });
        co_await sock->async_send(asio::buffer(query), redirect(ec));
        ++stats.udp_sent;
        if (ec) co_return Attempt{AttemptEnd::unreachable, {}, 0, ec.message()};
        std::vector<std::uint8_t> buf(65535);
        for (;;) {
            asio::ip::udp::endpoint from;
            std::size_t n = co_await sock->async_receive_from(asio::buffer(buf), from, redirect(ec));
            if (ec == asio::error::operation_aborted) co_return Attempt{AttemptEnd::timeout, {}, 0, "timeout"};
            if (ec) {
                timer.cancel();
                co_return Attempt{AttemptEnd::unreachable, {}, 0, ec.message()};
            }
            Attempt a{AttemptEnd::answered, {}, n, ""};
            MatchResult m = match_response(std::span(buf.data(), n), from.address().to_string(), from.port(),
                                           to.address().to_string(), to.port(), id, r.question, a.message);
            if (m == MatchResult::accepted) {
                timer.cancel();
                co_return a;
            }
            // Not ours (or not well formed): keep listening until the timeout, as a
            // resolver must, so a spoofed or stray datagram cannot end the query.
            ++stats.ignored;
        }
    }

    awaitable<Attempt> tcp_exchange(const asio::ip::tcp::endpoint& to, const Request& r) {
        const std::uint16_t id = random_id();
        const dns::Bytes query = build_query(id, r.question, r.options);
        dns::Bytes framed;  // RFC 1035 §4.2.2: two-octet length prefix
        dns::put_u16(framed, static_cast<std::uint16_t>(query.size()));
        framed.insert(framed.end(), query.begin(), query.end());
        auto sock = std::make_shared<asio::ip::tcp::socket>(ctx);
        asio::steady_timer timer(ctx);
        timer.expires_after(options.tcp_timeout);
        timer.async_wait([sock](error_code e) {
            error_code ignored;
            if (!e) sock->close(ignored);
        });
        error_code ec;
        auto failed = [&](std::string_view step) {
            timer.cancel();
            bool timed_out = ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
            return Attempt{timed_out ? AttemptEnd::timeout : AttemptEnd::unreachable, {}, 0,
                           fmt::format("TCP {}: {}", step, timed_out ? "timeout" : ec.message())};
        };
        co_await sock->async_connect(to, redirect(ec));
        if (ec) co_return failed("connect");
        co_await asio::async_write(*sock, asio::buffer(framed), redirect(ec));
        ++stats.tcp_sent;
        if (ec) co_return failed("send");
        std::uint8_t len[2];
        co_await asio::async_read(*sock, asio::buffer(len), redirect(ec));
        if (ec) co_return failed("read");
        std::vector<std::uint8_t> buf(dns::read_u16(len));
        co_await asio::async_read(*sock, asio::buffer(buf), redirect(ec));
        if (ec) co_return failed("read");
        timer.cancel();
        Attempt a{AttemptEnd::answered, {}, buf.size(), ""};
        // One query per connection, so anything but our answer is an error (RFC 7766 §7).
        MatchResult m = match_response(buf, to.address().to_string(), to.port(), to.address().to_string(), to.port(),
                                       id, r.question, a.message);
        if (m != MatchResult::accepted) {
            ++stats.ignored;
            co_return Attempt{AttemptEnd::malformed, {}, 0, fmt::format("TCP answer rejected: {}", name(m))};
        }
        co_return a;
    }

    awaitable<Outcome> exchange(const Request& r) {
        const auto start = Clock::now();
        error_code ec;
        auto address = asio::ip::make_address(r.server.address, ec);
        if (ec) {
            co_return std::unexpected(
                QueryError{QueryFailure::bad_address, fmt::format("'{}' is not an IP address", r.server.address), 0,
                           std::chrono::milliseconds{0}});
        }
        asio::ip::udp::endpoint to(address, r.server.port);
        QueryError last{QueryFailure::timeout, "no answer", 0, {}};
        for (int attempt = 1; attempt <= std::max(1, options.attempts); ++attempt) {
            Attempt a = co_await udp_attempt(to, r);
            switch (a.end) {
                case AttemptEnd::answered: {
                    if (!a.message.flags.tc)
                        co_return Response{std::move(a.message), Transport::udp, since(start), attempt, a.size};
                    // RFC 7766 §5: a truncated answer is asked again over TCP.
                    Attempt t = co_await tcp_exchange(asio::ip::tcp::endpoint(address, r.server.port), r);
                    switch (t.end) {
                        case AttemptEnd::answered:
                            co_return Response{std::move(t.message), Transport::tcp, since(start), attempt, t.size};
                        case AttemptEnd::timeout:
                        case AttemptEnd::unreachable:
                        case AttemptEnd::malformed:
                            co_return std::unexpected(
                                QueryError{t.end == AttemptEnd::timeout       ? QueryFailure::timeout
                                           : t.end == AttemptEnd::malformed ? QueryFailure::malformed
                                                                              : QueryFailure::unreachable,
                                           "truncated over UDP; " + t.detail, attempt, since(start)});
                    }
                    break;
                }
                case AttemptEnd::timeout:
                    ++stats.timeouts;
                    last = QueryError{QueryFailure::timeout, fmt::format("no answer in {} attempts of {} ms",
                                                                         attempt, options.timeout.count()),
                                      attempt, {}};
                    break;
                case AttemptEnd::unreachable:
                case AttemptEnd::malformed:
                    last = QueryError{QueryFailure::unreachable, a.detail, attempt, {}};
                    break;
            }
        }
        last.elapsed = since(start);
        co_return std::unexpected(std::move(last));
    }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = options; }
Client::~Client() = default;

const ClientStats& Client::stats() const { return impl_->stats; }

std::vector<Outcome> Client::run(std::span<const Request> requests) {
    std::vector<std::optional<Outcome>> results(requests.size());
    std::size_t next = 0;
    // A fixed pool of workers pulls requests in order: at most max_in_flight outstanding.
    auto worker = [&]() -> awaitable<void> {
        while (next < requests.size()) {
            std::size_t i = next++;
            results[i] = co_await impl_->exchange(requests[i]);
        }
    };
    std::size_t workers = std::min(requests.size(), std::max<std::size_t>(1, impl_->options.max_in_flight));
    for (std::size_t k = 0; k < workers; ++k) asio::co_spawn(impl_->ctx, worker(), asio::detached);
    impl_->ctx.restart();
    impl_->ctx.run();
    std::vector<Outcome> out;
    out.reserve(results.size());
    for (auto& r : results) {
        if (r)
            out.push_back(std::move(*r));
        else
            out.push_back(std::unexpected(QueryError{QueryFailure::unreachable, "query aborted", 0, {}}));
    }
    return out;
}

Outcome Client::query(const Request& request) { return run(std::span(&request, 1)).front(); }

}  // namespace zw::live
