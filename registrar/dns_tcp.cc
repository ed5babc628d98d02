#include "registrar/dns_tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace zw::registrar {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::optional<sockaddr_storage> sockaddr_of(const Endpoint& e, socklen_t& len) {
    sockaddr_storage ss{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, e.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(e.port);
        len = sizeof(sockaddr_in);
        return ss;
    }
    if (::inet_pton(AF_INET6, e.address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(e.port);
        len = sizeof(sockaddr_in6);
        return ss;
    }
    return std::nullopt;
}

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
    pollfd p{fd, events, 0};
    for (;;) {
        int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) return true;
        if (n == 0 || errno != EINTR) return false;
    }
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port) {
    Endpoint e{std::string(text), default_port};
    if (auto at = text.rfind('@'); at != std::string_view::npos) {
        e.address = std::string(text.substr(0, at));
        auto port = text.substr(at + 1);
        unsigned n = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
        if (ec != std::errc{} || p != port.data() + port.size() || n > 65535)
            return fail(config_error(fmt::format("'{}': the port after @ must be a number up to 65535", text)));
        e.port = static_cast<std::uint16_t>(n);
    }
    socklen_t len = 0;
    if (!sockaddr_of(e, len))
        return fail(config_error(fmt::format("'{}' is not an IP address (ADDR or ADDR@PORT)", text)));
    return e;
}

RResult<std::vector<std::uint8_t>> dns_tcp_exchange(const Endpoint& server, const std::optional<Endpoint>& source,
                                                    const std::vector<std::uint8_t>& message, Seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    socklen_t len = 0, source_len = 0;
    auto to = sockaddr_of(server, len);
    if (!to) return reg_fail(ErrorKind::invalid, "not an IP address: " + server.address);
    std::string where = fmt::format("{} port {}", server.address, server.port);
    Fd s{::socket(to->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
    if (s.fd < 0) return reg_fail(ErrorKind::transient, fmt::format("socket: {}", std::strerror(errno)));
    if (source) {
        auto from = sockaddr_of(*source, source_len);
        if (!from || from->ss_family != to->ss_family)
            return reg_fail(ErrorKind::invalid, fmt::format("source {} is not an address of the same family as {}",
                                                            source->address, server.address));
        int one = 1;
        ::setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&*from), source_len) != 0)
            return reg_fail(ErrorKind::invalid, fmt::format("cannot send from {} port {}: {}", source->address,
                                                            source->port, std::strerror(errno)));
    }
    if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&*to), len) != 0 && errno != EINPROGRESS)
        return reg_fail(ErrorKind::transient, fmt::format("connect to {}: {}", where, std::strerror(errno)));
    if (!wait_for(s.fd, POLLOUT, deadline)) return reg_fail(ErrorKind::transient, "connect to " + where + ": timed out");
    int err = 0;
    socklen_t err_len = sizeof err;
    ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) return reg_fail(ErrorKind::transient, fmt::format("connect to {}: {}", where, std::strerror(err)));

    std::vector<std::uint8_t> out{static_cast<std::uint8_t>(message.size() >> 8),
                                  static_cast<std::uint8_t>(message.size())};
    out.insert(out.end(), message.begin(), message.end());
    for (std::size_t sent = 0; sent < out.size();) {
        if (!wait_for(s.fd, POLLOUT, deadline))
            return reg_fail(ErrorKind::transient, "send to " + where + ": timed out");
        auto n = ::send(s.fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return reg_fail(ErrorKind::transient, fmt::format("send to {}: {}", where, std::strerror(errno)));
        if (n > 0) sent += static_cast<std::size_t>(n);
    }
    std::vector<std::uint8_t> in;
    std::size_t want = 2;
    for (bool header = true;;) {
        while (in.size() < want) {
            if (!wait_for(s.fd, POLLIN, deadline))
                return reg_fail(ErrorKind::transient, "answer from " + where + ": timed out");
            std::uint8_t buf[4096];
            auto n = ::recv(s.fd, buf, std::min(sizeof buf, want - in.size()), 0);
            if (n == 0) return reg_fail(ErrorKind::transient, "answer from " + where + ": connection closed");
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return reg_fail(ErrorKind::transient, fmt::format("answer from {}: {}", where, std::strerror(errno)));
            if (n > 0) in.insert(in.end(), buf, buf + n);
        }
        if (!header) break;
        want = 2 + (static_cast<std::size_t>(in[0]) << 8 | in[1]);
        header = false;
    }
    return std::vector<std::uint8_t>(in.begin() + 2, in.end());
}

}  // namespace zw::registrar
