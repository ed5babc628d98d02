#pragma once
// A DNS server's address as the live side and the configuration name it: an IP address in
// text and a port, read from and written as "127.0.0.1", "127.0.0.1:5300", "::1" or
// "[::1]:5300".

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace zw::live {

struct Server {
    std::string address;  // an IP address in text, "127.0.0.1" or "::1"
    std::uint16_t port = 53;

    // "127.0.0.1", "[::1]:5300": what an operator reads in a report.
    [[nodiscard]] std::string label() const;
    friend bool operator==(const Server&, const Server&) = default;
};

// The inverse of label(): ADDR, IPV4:PORT or [IPV6]:PORT, the address an IPv4 or IPv6
// literal (no host names: nothing is resolved), the port 1-65535 when given, else
// `default_port`. bad_input naming the text otherwise.
[[nodiscard]] Result<Server> parse_server(std::string_view text, std::uint16_t default_port = 53);

}  // namespace zw::live
