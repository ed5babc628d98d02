#pragma once
// One DNS message each way over a fresh TCP connection (RFC 1035 §4.2.2, RFC 7766 §8: a
// two-octet length before each message), optionally from a chosen source address and port,
// as nsupdate's `local` or Knot's `via`: a server that takes messages only from one address
// of a host sees them come from it. Connect, send and receive share one timeout. The query
// client asks a truncated answer again with it (RFC 7766 §5); the rfc2136 registrar sends
// its DS query and UPDATE with it.

#include <utility>  // boost/asio/awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>

#include "dns/rdata.h"
#include "live/server.h"

namespace zw::live {

// The step that failed, and how. `bad_source`: the source address cannot be used (not an
// address of this host, another family than the server's, its port taken); `too_large`: a
// message over the 65535 octets a length prefix can say.
enum class TcpStep { connect, send, receive };
enum class TcpFailure { timeout, unreachable, bad_address, bad_source, too_large };

struct TcpError {
    TcpFailure kind = TcpFailure::timeout;
    TcpStep step = TcpStep::connect;
    std::string detail;  // "TCP connect to 192.0.2.1: Connection refused"
};

using TcpOutcome = std::expected<dns::Bytes, TcpError>;

// Within an Asio event loop (the query client's). `message` is unframed; so is the answer.
[[nodiscard]] boost::asio::awaitable<TcpOutcome> exchange_over_tcp(
    Server to, std::optional<Server> from, dns::Bytes message, std::chrono::milliseconds timeout);

// The same for a caller outside an event loop: runs one of its own until done.
[[nodiscard]] TcpOutcome exchange_over_tcp_now(const Server& to, const std::optional<Server>& from,
                                               std::span<const std::uint8_t> message,
                                               std::chrono::milliseconds timeout);

}  // namespace zw::live
