#include "live/server.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

namespace zw::live {

namespace {

bool ip_literal(const std::string& text, bool v6) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), buf) == 1;
}

}  // namespace

std::string Server::label() const {
    bool v6 = address.find(':') != std::string::npos;
    if (port == 53) return address;
    return v6 ? fmt::format("[{}]:{}", address, port) : fmt::format("{}:{}", address, port);
}

Result<Server> parse_server(std::string_view text, std::uint16_t default_port) {
    auto bad = [&](std::string_view why) {
        return fail(bad_input(fmt::format("'{}': {} (ADDR, IPV4:PORT or [IPV6]:PORT)", text, why)));
    };
    Server s{std::string(text), default_port};
    std::string_view port;
    bool v6 = false;
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string_view::npos) return bad("no closing ]");
        s.address = std::string(text.substr(1, close - 1));
        auto rest = text.substr(close + 1);
        if (!rest.empty() && (!rest.starts_with(':') || rest.size() == 1))
            return bad("expected :PORT after ]");
        if (!rest.empty()) port = rest.substr(1);
        v6 = true;
    } else if (auto colon = text.find(':'); colon != std::string_view::npos) {
        // One colon is IPv4:PORT; more is a bare IPv6 address.
        if (text.find(':', colon + 1) == std::string_view::npos) {
            s.address = std::string(text.substr(0, colon));
            port = text.substr(colon + 1);
        } else {
            v6 = true;
        }
    }
    if (!ip_literal(s.address, v6)) return bad(v6 ? "not an IPv6 address" : "not an IP address");
    if (!port.empty() || text.ends_with(':')) {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
        if (ec != std::errc{} || end != port.data() + port.size() || n == 0 || n > 65535)
            return bad("the port must be a number from 1 to 65535");
        s.port = static_cast<std::uint16_t>(n);
    }
    return s;
}

}  // namespace zw::live
