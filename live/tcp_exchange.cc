#include "live/tcp_exchange.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <memory>

namespace zw::live {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string_view step_name(TcpStep s) {
    switch (s) {
        case TcpStep::connect:
            return "connect to";
        case TcpStep::send:
            return "send to";
        case TcpStep::receive:
            return "answer from";
    }
    return "?";
}

}  // namespace

asio::awaitable<TcpOutcome> exchange_over_tcp(Server to, std::optional<Server> from,
                                              dns::Bytes message,
                                              std::chrono::milliseconds timeout) {
    auto fail = [&](TcpFailure kind, TcpStep step, std::string_view why) {
        return std::unexpected(
            TcpError{kind, step, fmt::format("TCP {} {}: {}", step_name(step), to.label(), why)});
    };
    error_code ec;
    const auto address = asio::ip::make_address(to.address, ec);
    if (ec) co_return fail(TcpFailure::bad_address, TcpStep::connect, "not an IP address");
    const asio::ip::tcp::endpoint endpoint(address, to.port);
    if (message.size() > 65535)
        co_return fail(TcpFailure::too_large, TcpStep::send, "message over 65535 octets");

    auto executor = co_await asio::this_coro::executor;
    // Shared with the timer's handler, which may still run after this frame is gone.
    auto sock = std::make_shared<asio::ip::tcp::socket>(executor);
    sock->open(endpoint.protocol(), ec);
    if (ec) co_return fail(TcpFailure::unreachable, TcpStep::connect, ec.message());
    if (from) {
        auto source = asio::ip::make_address(from->address, ec);
        if (ec || source.is_v4() != address.is_v4())
            co_return fail(
                TcpFailure::bad_source, TcpStep::connect,
                fmt::format("source {} is not an address of the same family", from->label()));
        sock->set_option(asio::socket_base::reuse_address(true), ec);
        sock->bind(asio::ip::tcp::endpoint(source, from->port), ec);
        if (ec)
            co_return fail(TcpFailure::bad_source, TcpStep::connect,
                           fmt::format("cannot send from {} port {}: {}", from->address, from->port,
                                       ec.message()));
    }
    asio::steady_timer timer(executor);
    timer.expires_after(timeout);
    timer.async_wait([sock](error_code e) {
        error_code ignored;
        if (!e) sock->close(ignored);
    });
    auto redirect = asio::redirect_error(asio::use_awaitable, ec);
    auto failed = [&](TcpStep step) {
        timer.cancel();
        bool timed_out = ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
        return fail(
            timed_out ? TcpFailure::timeout : TcpFailure::unreachable, step,
            timed_out ? fmt::format("timed out after {} ms", timeout.count()) : ec.message());
    };

    co_await sock->async_connect(endpoint, redirect);
    if (ec) co_return failed(TcpStep::connect);
    dns::Bytes framed;
    dns::put_u16(framed, static_cast<std::uint16_t>(message.size()));
    framed.insert(framed.end(), message.begin(), message.end());
    co_await asio::async_write(*sock, asio::buffer(framed), redirect);
    if (ec) co_return failed(TcpStep::send);
    std::uint8_t length[2];
    co_await asio::async_read(*sock, asio::buffer(length), redirect);
    if (ec) co_return failed(TcpStep::receive);
    dns::Bytes answer(dns::read_u16(length));
    co_await asio::async_read(*sock, asio::buffer(answer), redirect);
    if (ec) co_return failed(TcpStep::receive);
    timer.cancel();
    co_return answer;
}

TcpOutcome exchange_over_tcp_now(const Server& to, const std::optional<Server>& from,
                                 std::span<const std::uint8_t> message,
                                 std::chrono::milliseconds timeout) {
    asio::io_context ctx{1};
    std::optional<TcpOutcome> out;
    std::exception_ptr thrown;
    asio::co_spawn(ctx,
                   exchange_over_tcp(to, from, dns::Bytes(message.begin(), message.end()), timeout),
                   [&](std::exception_ptr e, TcpOutcome r) {
                       thrown = e;
                       if (!e) out = std::move(r);
                   });
    ctx.run();
    if (thrown) std::rethrow_exception(thrown);
    if (!out)
        return std::unexpected(
            TcpError{TcpFailure::unreachable, TcpStep::connect, "TCP exchange not run"});
    return std::move(*out);
}

}  // namespace zw::live
