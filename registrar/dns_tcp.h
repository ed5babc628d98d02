#pragma once
// One DNS message exchange over TCP (RFC 1035 §4.2.2: a two-byte length before each
// message), from a chosen source address and port when one is configured, like nsupdate's
// `local` or Knot's `via`: a parent that takes updates only from the signer's address sees
// them come from it. Bounded by one timeout for connect, send and receive together.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/duration.h"
#include "registrar/error.h"

namespace zw::registrar {

struct Endpoint {
    std::string address;  // an IPv4 or IPv6 literal
    std::uint16_t port = 0;
};

// "ADDR" or "ADDR@PORT" (Knot's notation: unambiguous with IPv6 literals), checked to be an
// IP literal.
[[nodiscard]] Result<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port);

[[nodiscard]] RResult<std::vector<std::uint8_t>> dns_tcp_exchange(const Endpoint& server,
                                                                  const std::optional<Endpoint>& source,
                                                                  const std::vector<std::uint8_t>& message,
                                                                  Seconds timeout);

}  // namespace zw::registrar
