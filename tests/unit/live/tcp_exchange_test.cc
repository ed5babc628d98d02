// One framed message each way over TCP, against a scripted listener on 127.0.0.1 (an
// ephemeral port): framing across partial writes, the source address and port, one timeout
// for the whole exchange, and each failure told apart.
#include "live/tcp_exchange.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

namespace zw::live {
namespace {

using namespace std::chrono_literals;

// Accepts one connection at a time on 127.0.0.1 and hands it to `script` with the peer's
// port; stops with the object (its loop polls in 20 ms steps, 20 s at most).
class Listener {
  public:
    using Script = std::function<void(int fd)>;
    explicit Listener(Script script) : script_(std::move(script)) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, 4) != 0)
            throw std::runtime_error("listen");
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~Listener() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    [[nodiscard]] Server server() const { return Server{"127.0.0.1", port_}; }
    [[nodiscard]] std::uint16_t peer_port() const { return peer_port_; }

  private:
    void loop() {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!stop_ && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0) continue;
            sockaddr_in peer{};
            socklen_t len = sizeof peer;
            int c = accept(fd_, reinterpret_cast<sockaddr*>(&peer), &len);
            if (c < 0) continue;
            peer_port_ = ntohs(peer.sin_port);
            script_(c);
            close(c);
        }
    }
    Script script_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<std::uint16_t> peer_port_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

dns::Bytes read_framed(int fd) {
    std::uint8_t len[2];
    if (recv(fd, len, 2, MSG_WAITALL) != 2) return {};
    dns::Bytes m(dns::read_u16(len));
    if (recv(fd, m.data(), m.size(), MSG_WAITALL) != static_cast<ssize_t>(m.size())) return {};
    return m;
}

// Sends the message back framed, one octet per write, so the reader must reassemble it.
void echo_slowly(int fd) {
    dns::Bytes body = read_framed(fd);
    body.push_back(0xAA);
    const std::uint8_t length[2] = {static_cast<std::uint8_t>(body.size() >> 8),
                                    static_cast<std::uint8_t>(body.size())};
    auto send_slowly = [fd](std::span<const std::uint8_t> bytes) {
        for (std::uint8_t b : bytes) {
            (void)!send(fd, &b, 1, MSG_NOSIGNAL);
            std::this_thread::sleep_for(1ms);
        }
    };
    send_slowly(length);
    send_slowly(body);
}

std::uint16_t free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(fd, reinterpret_cast<sockaddr*>(&a), len);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

const dns::Bytes message{0x12, 0x34, 0x01, 0x00, 0,   1, 0, 0, 0, 0, 0,
                         0,    3,    'w',  'w',  'w', 0, 0, 1, 0, 1};

TEST(TcpExchange, TheAnswerIsReassembledFromItsLengthPrefix) {
    Listener l(echo_slowly);
    auto got = exchange_over_tcp_now(l.server(), std::nullopt, message, 3s);
    ASSERT_TRUE(got) << got.error().detail;
    dns::Bytes want = message;
    want.push_back(0xAA);
    EXPECT_EQ(*got, want);
}

TEST(TcpExchange, TheMessageLeavesFromTheChosenSourcePort) {
    Listener l(echo_slowly);
    std::uint16_t port = free_port();
    auto got = exchange_over_tcp_now(l.server(), Server{"127.0.0.1", port}, message, 3s);
    ASSERT_TRUE(got) << got.error().detail;
    EXPECT_EQ(l.peer_port(), port);
}

TEST(TcpExchange, AnUnusableSourceIsBadSourceAndNothingIsSent) {
    std::atomic<int> connections{0};
    Listener l([&](int) { ++connections; });
    for (Server from : {Server{"::1", 0}, Server{"192.0.2.1", 0}, Server{"not-an-address", 0}}) {
        auto got = exchange_over_tcp_now(l.server(), from, message, 2s);
        ASSERT_FALSE(got) << from.address;
        EXPECT_EQ(got.error().kind, TcpFailure::bad_source) << got.error().detail;
    }
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(connections, 0);
}

TEST(TcpExchange, OneTimeoutBoundsTheWholeExchange) {
    Listener l([](int fd) {
        read_framed(fd);
        std::this_thread::sleep_for(900ms);  // never answers within the timeout
    });
    auto start = std::chrono::steady_clock::now();
    auto got = exchange_over_tcp_now(l.server(), std::nullopt, message, 500ms);
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, TcpFailure::timeout) << got.error().detail;
    EXPECT_EQ(got.error().step, TcpStep::receive);
    EXPECT_LT(took, 850ms);
}

TEST(TcpExchange, RefusedConnectionsAndCutAnswersAreUnreachable) {
    std::uint16_t closed = free_port();
    auto refused = exchange_over_tcp_now(Server{"127.0.0.1", closed}, std::nullopt, message, 2s);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, TcpFailure::unreachable);
    EXPECT_EQ(refused.error().step, TcpStep::connect);
    EXPECT_NE(refused.error().detail.find("127.0.0.1:" + std::to_string(closed)), std::string::npos)
        << refused.error().detail;

    Listener l([](int fd) {
        read_framed(fd);
        std::uint8_t half[3] = {0, 40, 0x12};  // says 40 octets, sends one, closes
        (void)!send(fd, half, sizeof half, MSG_NOSIGNAL);
    });
    auto cut = exchange_over_tcp_now(l.server(), std::nullopt, message, 2s);
    ASSERT_FALSE(cut);
    EXPECT_EQ(cut.error().kind, TcpFailure::unreachable) << cut.error().detail;
    EXPECT_EQ(cut.error().step, TcpStep::receive);
}

TEST(TcpExchange, NotAnAddressOrTooLarge) {
    auto bad = exchange_over_tcp_now(Server{"ns1.example.", 53}, std::nullopt, message, 1s);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, TcpFailure::bad_address);
    Listener l(echo_slowly);
    auto big = exchange_over_tcp_now(l.server(), std::nullopt, dns::Bytes(65536, 0), 1s);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().kind, TcpFailure::too_large);
}

}  // namespace
}  // namespace zw::live
