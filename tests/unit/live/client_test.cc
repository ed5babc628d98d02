// The query client against a scripted server on loopback (ephemeral ports on 127.0.0.1
// and ::1 only): matching, retries, timeouts, TCP fallback, concurrency bound.
#include "live/client.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "dns/rdata.h"

namespace zw::live {
namespace {

using namespace std::chrono_literals;

dns::Name n(std::string_view text) { return dns::Name::from_text(text).value(); }

// A response to a query: QR|AA, the question echoed, then `answers` (A records of the qname).
dns::Bytes answer_to(const dns::Bytes& query, int answers = 1, bool tc = false) {
    dns::Bytes out(query.begin(), query.begin() + 12);
    out[2] = static_cast<std::uint8_t>(0x84 | (tc ? 0x02 : 0));
    out[3] = 0;
    out[6] = static_cast<std::uint8_t>(answers >> 8);
    out[7] = static_cast<std::uint8_t>(answers);
    out[10] = out[11] = 0;  // no OPT in the answer
    std::size_t qlen = dns::wire_name_length(std::span(query).subspan(12)) + 4;
    out.insert(out.end(), query.begin() + 12,
               query.begin() + 12 + static_cast<std::ptrdiff_t>(qlen));
    for (int i = 0; i < answers; ++i) {
        dns::Bytes rr{0xc0, 12};
        dns::put_u16(rr, dns::rrtype::A);
        dns::put_u16(rr, dns::class_in);
        dns::put_u32(rr, 60);
        dns::put_u16(rr, 4);
        rr.insert(rr.end(), {192, 0, 2, static_cast<std::uint8_t>(i)});
        out.insert(out.end(), rr.begin(), rr.end());
    }
    return out;
}

// One UDP socket and one TCP listener on the same ephemeral loopback port; each UDP
// datagram is handed to `udp` which returns the datagrams to send back. Bounded: the
// thread polls in 20 ms steps and stops with the object (or after 20 s at most).
class FakeServer {
  public:
    using UdpScript =
        std::function<std::vector<dns::Bytes>(const dns::Bytes& query, std::uint16_t src_port)>;
    using TcpScript = std::function<dns::Bytes(const dns::Bytes& query)>;

    FakeServer(bool v6, UdpScript udp, TcpScript tcp = {})
        : udp_(std::move(udp)), tcp_(std::move(tcp)) {
        address_ = v6 ? "::1" : "127.0.0.1";
        sockaddr_storage ss{};
        socklen_t len = make_addr(v6, 0, ss);
        udp_fd_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
        if (bind(udp_fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0)
            throw std::runtime_error("bind udp");
        getsockname(udp_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
        port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                         : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
        tcp_fd_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        len = make_addr(v6, port_, ss);
        if (bind(tcp_fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(tcp_fd_, 8) != 0)
            throw std::runtime_error("bind tcp");
        thread_ = std::thread([this] { loop(); });
    }
    ~FakeServer() {
        stop_ = true;
        thread_.join();
        close(udp_fd_);
        close(tcp_fd_);
    }
    [[nodiscard]] Server server() const { return Server{address_, port_}; }
    [[nodiscard]] int udp_queries() const { return udp_count_; }
    [[nodiscard]] int tcp_queries() const { return tcp_count_; }

  private:
    static socklen_t make_addr(bool v6, std::uint16_t port, sockaddr_storage& ss) {
        ss = {};
        if (v6) {
            auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
            a->sin6_family = AF_INET6;
            a->sin6_addr = in6addr_loopback;
            a->sin6_port = htons(port);
            return sizeof *a;
        }
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons(port);
        return sizeof *a;
    }

    void loop() {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!stop_ && std::chrono::steady_clock::now() < deadline) {
            pollfd fds[2] = {{udp_fd_, POLLIN, 0}, {tcp_fd_, POLLIN, 0}};
            if (poll(fds, 2, 20) <= 0) continue;
            if (fds[0].revents & POLLIN) {
                dns::Bytes buf(65535);
                sockaddr_storage from{};
                socklen_t flen = sizeof from;
                ssize_t got = recvfrom(udp_fd_, buf.data(), buf.size(), 0,
                                       reinterpret_cast<sockaddr*>(&from), &flen);
                if (got <= 0) continue;
                buf.resize(static_cast<std::size_t>(got));
                ++udp_count_;
                std::uint16_t sport = ntohs(from.ss_family == AF_INET6
                                                ? reinterpret_cast<sockaddr_in6*>(&from)->sin6_port
                                                : reinterpret_cast<sockaddr_in*>(&from)->sin_port);
                for (const dns::Bytes& out : udp_(buf, sport))
                    sendto(udp_fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from),
                           flen);
            }
            if (fds[1].revents & POLLIN) serve_tcp();
        }
    }

    void serve_tcp() {
        int c = accept(tcp_fd_, nullptr, nullptr);
        if (c < 0) return;
        std::uint8_t len[2];
        if (recv(c, len, 2, MSG_WAITALL) == 2) {
            dns::Bytes q(dns::read_u16(len));
            if (recv(c, q.data(), q.size(), MSG_WAITALL) == static_cast<ssize_t>(q.size()) &&
                tcp_) {
                ++tcp_count_;
                dns::Bytes a = tcp_(q);
                dns::Bytes framed;
                dns::put_u16(framed, static_cast<std::uint16_t>(a.size()));
                framed.insert(framed.end(), a.begin(), a.end());
                (void)!send(c, framed.data(), framed.size(), 0);
            }
        }
        close(c);
    }

    UdpScript udp_;
    TcpScript tcp_;
    std::string address_;
    std::uint16_t port_ = 0;
    int udp_fd_ = -1, tcp_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::atomic<int> udp_count_{0}, tcp_count_{0};
    std::thread thread_;
};

Request request(const FakeServer& s, std::string_view qname = "www.example.") {
    return Request{s.server(), Question{n(qname), dns::rrtype::A}, {}};
}

TEST(Client, StrayDatagramsAreIgnoredAndTheRealAnswerTaken) {
    FakeServer s(false, [](const dns::Bytes& q, std::uint16_t) {
        dns::Bytes wrong_id = answer_to(q);
        wrong_id[1] ^= 0x5a;
        dns::Bytes other_q = answer_to(
            build_query(dns::read_u16(q.data()), Question{n("evil.example."), dns::rrtype::A}, {}));
        return std::vector<dns::Bytes>{wrong_id, other_q, dns::Bytes{1, 2, 3}, answer_to(q, 2)};
    });
    Client c(ClientOptions{500ms, 1, 1s, 8});
    Outcome o = c.query(request(s));
    ASSERT_TRUE(o) << o.error().detail;
    EXPECT_EQ(o->transport, Transport::udp);
    EXPECT_EQ(o->message.answer.size(), 2u);
    EXPECT_EQ(c.stats().ignored, 3u);
}

// A burst of 300 strays (another ID) ahead of the real answer: more than a socket's
// default receive queue holds (each small datagram costs a kernel buffer of about 1 kB),
// so the answer was dropped and the query timed out. The client reads them all and still
// takes the answer, within one attempt.
TEST(Client, ThreeHundredStrayDatagramsBeforeTheAnswerDoNotLoseIt) {
    FakeServer s(false, [](const dns::Bytes& q, std::uint16_t) {
        std::vector<dns::Bytes> out;
        for (int i = 0; i < 300; ++i) {
            dns::Bytes stray = answer_to(q, 1);
            stray[1] = static_cast<std::uint8_t>(stray[1] ^ (1 + i % 255));
            out.push_back(std::move(stray));
        }
        out.push_back(answer_to(q, 2));
        return out;
    });
    Client c(ClientOptions{2000ms, 1, 1s, 8});
    Outcome o = c.query(request(s));
    ASSERT_TRUE(o) << name(o.error().kind) << ": " << o.error().detail;
    EXPECT_EQ(o->message.answer.size(), 2u);
    EXPECT_EQ(o->attempts, 1);
    EXPECT_EQ(c.stats().ignored, 300u);
}

// Datagrams with our ID that are no answer: after the timeout the failure says so.
TEST(Client, AMalformedAnswerIsReportedAsMalformedNotAsATimeout) {
    FakeServer s(false, [](const dns::Bytes& q, std::uint16_t) {
        dns::Bytes broken(q.begin(), q.begin() + 2);  // our ID
        broken.insert(broken.end(), {0x84, 0x00, 0x00, 0x01, 0xff, 0xff});
        return std::vector<dns::Bytes>{broken};
    });
    Client c(ClientOptions{150ms, 2, 1s, 8});
    Outcome o = c.query(request(s));
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().kind, QueryFailure::malformed) << o.error().detail;
    EXPECT_NE(o.error().detail.find("malformed"), std::string::npos) << o.error().detail;
    EXPECT_EQ(o.error().attempts, 2);
}

TEST(Client, OnlyStrayDatagramsMeansTimeout) {
    FakeServer s(false, [](const dns::Bytes& q, std::uint16_t) {
        dns::Bytes wrong_id = answer_to(q);
        wrong_id[0] ^= 0x01;
        return std::vector<dns::Bytes>{wrong_id};
    });
    Client c(ClientOptions{150ms, 2, 1s, 8});
    Outcome o = c.query(request(s));
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().kind, QueryFailure::timeout);
    EXPECT_EQ(o.error().attempts, 2);
    EXPECT_EQ(s.udp_queries(), 2);
}

TEST(Client, RetriesAreBoundedAndUseFreshIdsAndPorts) {
    std::mutex m;
    std::vector<std::uint16_t> ids, ports;
    FakeServer s(false, [&](const dns::Bytes& q, std::uint16_t port) {
        std::lock_guard lock(m);
        ids.push_back(dns::read_u16(q.data()));
        ports.push_back(port);
        // Answer only the third attempt.
        return ids.size() == 3 ? std::vector<dns::Bytes>{answer_to(q)} : std::vector<dns::Bytes>{};
    });
    Client c(ClientOptions{150ms, 3, 1s, 8});
    Outcome o = c.query(request(s));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->attempts, 3);
    EXPECT_GE(o->elapsed, 300ms);
    std::lock_guard lock(m);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_FALSE(ids[0] == ids[1] && ids[1] == ids[2]);
    EXPECT_FALSE(ports[0] == ports[1] && ports[1] == ports[2]);
}

TEST(Client, TruncatedAnswerIsAskedAgainOverTcp) {
    FakeServer s(
        false,
        [](const dns::Bytes& q, std::uint16_t) {
            return std::vector<dns::Bytes>{answer_to(q, 0, true)};
        },
        [](const dns::Bytes& q) { return answer_to(q, 120); });  // 120 A records: ~1.9 kB
    Client c(ClientOptions{500ms, 1, 2s, 8});
    Outcome o = c.query(request(s));
    ASSERT_TRUE(o) << o.error().detail;
    EXPECT_EQ(o->transport, Transport::tcp);
    EXPECT_EQ(o->message.answer.size(), 120u);
    EXPECT_GT(o->size, 1232u);
    EXPECT_EQ(s.tcp_queries(), 1);
}

TEST(Client, ClosedPortFailsFastAsUnreachable) {
    std::uint16_t port = 0;
    {
        FakeServer s(false,
                     [](const dns::Bytes&, std::uint16_t) { return std::vector<dns::Bytes>{}; });
        port = s.server().port;
    }  // closed: the kernel answers ICMP port unreachable
    Client c(ClientOptions{1s, 2, 1s, 8});
    Outcome o = c.query(Request{Server{"127.0.0.1", port}, Question{n("x."), dns::rrtype::A}, {}});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().kind, QueryFailure::unreachable);
    EXPECT_LT(o.error().elapsed, 1s);
}

TEST(Client, BadAddressIsReported) {
    Client c;
    Outcome o = c.query(Request{Server{"ns1.example.", 53}, Question{n("x."), dns::rrtype::A}, {}});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().kind, QueryFailure::bad_address);
}

TEST(Client, InFlightQueriesAreBounded) {
    FakeServer s(false, [](const dns::Bytes&, std::uint16_t) {
        return std::vector<dns::Bytes>{};
    });  // silent
    std::vector<Request> reqs;
    for (int i = 0; i < 10; ++i) reqs.push_back(request(s, fmt::format("q{}.example.", i)));
    Client c(ClientOptions{400ms, 1, 1s, 4});
    std::atomic<int> seen_early{-1};
    std::thread probe([&] {
        std::this_thread::sleep_for(200ms);  // inside the first timeout window
        seen_early = s.udp_queries();
    });
    auto out = c.run(reqs);
    probe.join();
    EXPECT_LE(seen_early.load(), 4);
    EXPECT_EQ(s.udp_queries(), 10);
    for (const auto& o : out) EXPECT_FALSE(o);
}

TEST(Client, BatchOutcomesKeepRequestOrderOverIpv6Too) {
    FakeServer v4(false, [](const dns::Bytes& q, std::uint16_t) {
        return std::vector<dns::Bytes>{answer_to(q, 1)};
    });
    std::unique_ptr<FakeServer> v6;
    try {
        v6 = std::make_unique<FakeServer>(true, [](const dns::Bytes& q, std::uint16_t) {
            return std::vector<dns::Bytes>{answer_to(q, 3)};
        });
    } catch (const std::exception&) {
        GTEST_SKIP() << "no ::1 on this host";
    }
    std::vector<Request> reqs{request(*v6), request(v4), request(*v6)};
    Client c;
    auto out = c.run(reqs);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0]->message.answer.size(), 3u);
    EXPECT_EQ(out[1]->message.answer.size(), 1u);
    EXPECT_EQ(out[2]->message.answer.size(), 3u);
    EXPECT_EQ(Server({"::1", 5300}).label(), "[::1]:5300");
}

}  // namespace
}  // namespace zw::live
