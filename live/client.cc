#include "live/client.h"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "dns/rdata.h"
#include "live/tcp_exchange.h"

namespace zw::live {

namespace asio = boost::asio;
using asio::awaitable;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

std::string_view name(Transport t) {
    switch (t) {
        case Transport::udp:
            return "udp";
        case Transport::tcp:
            return "tcp";
    }
    return "?";
}

std::string_view name(QueryFailure f) {
    switch (f) {
        case QueryFailure::timeout:
            return "timeout";
        case QueryFailure::unreachable:
            return "unreachable";
        case QueryFailure::bad_address:
            return "bad address";
        case QueryFailure::malformed:
            return "malformed answer";
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

// Room for a burst: datagrams that are not the answer (spoofed, stray, late answers to an
// earlier attempt) must not fill the socket's receive queue, or the kernel drops the real
// answer behind them. The default queue (net.core.rmem_default, 208 kB) holds under 300
// small datagrams, as each costs about 700 octets of kernel buffer beside its data. 4 MB
// where the process may force it (CAP_NET_ADMIN), else as much as net.core.rmem_max grants.
void make_room_for_bursts(asio::ip::udp::socket& sock) {
    constexpr int bytes = 4 << 20;
    const int fd = sock.native_handle();
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
        (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

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
        make_room_for_bursts(*sock);
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
        // The last datagram from the server, with our ID, that was still not an answer to
        // our question: what the attempt ends in if nothing better comes.
        std::optional<MatchResult> rejected;
        for (;;) {
            asio::ip::udp::endpoint from;
            std::size_t n =
                co_await sock->async_receive_from(asio::buffer(buf), from, redirect(ec));
            if (ec == asio::error::operation_aborted) {
                if (rejected)
                    co_return Attempt{AttemptEnd::malformed,
                                      {},
                                      0,
                                      fmt::format("the only answer with our ID was rejected: {}",
                                                  name(*rejected))};
                co_return Attempt{AttemptEnd::timeout, {}, 0, "timeout"};
            }
            if (ec) {
                timer.cancel();
                co_return Attempt{AttemptEnd::unreachable, {}, 0, ec.message()};
            }
            Attempt a{AttemptEnd::answered, {}, n, ""};
            MatchResult m =
                match_response(std::span(buf.data(), n), from.address().to_string(), from.port(),
                               to.address().to_string(), to.port(), id, r.question, a.message);
            if (m == MatchResult::accepted) {
                timer.cancel();
                co_return a;
            }
            // Not ours (or not well formed): keep listening until the timeout, as a
            // resolver must, so a spoofed or stray datagram cannot end the query.
            ++stats.ignored;
            if (m != MatchResult::wrong_source && m != MatchResult::wrong_id) rejected = m;
        }
    }

    awaitable<Attempt> tcp_exchange(const Request& r) {
        const std::uint16_t id = random_id();
        auto got = co_await exchange_over_tcp(
            r.server, std::nullopt, build_query(id, r.question, r.options), options.tcp_timeout);
        if (got || got.error().step != TcpStep::connect) ++stats.tcp_sent;
        if (!got) {
            bool timed_out = got.error().kind == TcpFailure::timeout;
            co_return Attempt{timed_out ? AttemptEnd::timeout : AttemptEnd::unreachable,
                              {},
                              0,
                              got.error().detail};
        }
        Attempt a{AttemptEnd::answered, {}, got->size(), ""};
        // One query per connection, so anything but our answer is an error (RFC 7766 §7).
        MatchResult m = match_response(*got, r.server.address, r.server.port, r.server.address,
                                       r.server.port, id, r.question, a.message);
        if (m != MatchResult::accepted) {
            ++stats.ignored;
            co_return Attempt{
                AttemptEnd::malformed, {}, 0, fmt::format("TCP answer rejected: {}", name(m))};
        }
        co_return a;
    }

    awaitable<Outcome> exchange(const Request& r) {
        const auto start = Clock::now();
        error_code ec;
        auto address = asio::ip::make_address(r.server.address, ec);
        if (ec) {
            co_return std::unexpected(
                QueryError{QueryFailure::bad_address,
                           fmt::format("'{}' is not an IP address", r.server.address), 0,
                           std::chrono::milliseconds{0}});
        }
        asio::ip::udp::endpoint to(address, r.server.port);
        QueryError last{QueryFailure::timeout, "no answer", 0, {}};
        for (int attempt = 1; attempt <= std::max(1, options.attempts); ++attempt) {
            Attempt a = co_await udp_attempt(to, r);
            switch (a.end) {
                case AttemptEnd::answered: {
                    if (!a.message.flags.tc)
                        co_return Response{std::move(a.message), Transport::udp, since(start),
                                           attempt, a.size};
                    // RFC 7766 §5: a truncated answer is asked again over TCP.
                    Attempt t = co_await tcp_exchange(r);
                    switch (t.end) {
                        case AttemptEnd::answered:
                            co_return Response{std::move(t.message), Transport::tcp, since(start),
                                               attempt, t.size};
                        case AttemptEnd::timeout:
                        case AttemptEnd::unreachable:
                        case AttemptEnd::malformed:
                            co_return std::unexpected(QueryError{
                                t.end == AttemptEnd::timeout     ? QueryFailure::timeout
                                : t.end == AttemptEnd::malformed ? QueryFailure::malformed
                                                                 : QueryFailure::unreachable,
                                "truncated over UDP; " + t.detail, attempt, since(start)});
                    }
                    break;
                }
                case AttemptEnd::timeout:
                    ++stats.timeouts;
                    last = QueryError{QueryFailure::timeout,
                                      fmt::format("no answer in {} attempts of {} ms", attempt,
                                                  options.timeout.count()),
                                      attempt,
                                      {}};
                    break;
                case AttemptEnd::unreachable:
                    last = QueryError{QueryFailure::unreachable, a.detail, attempt, {}};
                    break;
                case AttemptEnd::malformed:
                    last = QueryError{QueryFailure::malformed, a.detail, attempt, {}};
                    break;
            }
        }
        last.elapsed = since(start);
        co_return std::unexpected(std::move(last));
    }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
}
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
    std::size_t workers =
        std::min(requests.size(), std::max<std::size_t>(1, impl_->options.max_in_flight));
    for (std::size_t k = 0; k < workers; ++k) asio::co_spawn(impl_->ctx, worker(), asio::detached);
    impl_->ctx.restart();
    impl_->ctx.run();
    std::vector<Outcome> out;
    out.reserve(results.size());
    for (auto& r : results) {
        if (r)
            out.push_back(std::move(*r));
        else
            out.push_back(
                std::unexpected(QueryError{QueryFailure::unreachable, "query aborted", 0, {}}));
    }
    return out;
}

Outcome Client::query(const Request& request) { return run(std::span(&request, 1)).front(); }

}  // namespace zw::live
