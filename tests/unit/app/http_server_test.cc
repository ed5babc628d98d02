// The daemon's HTTP server against clients that misbehave: only GET and HEAD, a bounded
// request, read timeouts, a bound on connections, a handler that throws. Each must leave
// the server serving. It listens on 127.0.0.1 on a port the kernel picks.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "app/http_server.h"

namespace {

using namespace std::chrono_literals;
using zw::app::HttpLimits;
using zw::app::HttpReply;
using zw::app::HttpServer;

class Client {
  public:
    explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            throw std::runtime_error("connect");
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(const std::string& s) {
        ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size()));
    }
    // Everything until the server closes or `quiet` passes without a byte; closed() tells which.
    std::string receive(std::chrono::milliseconds quiet = 2000ms) {
        std::string out;
        char buf[4096];
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return out;
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
            if (out.find("\r\n\r\n") != std::string::npos && response_complete(out)) return out;
        }
    }
    [[nodiscard]] bool closed() const { return closed_; }

  private:
    static bool response_complete(const std::string& r) {
        auto head = r.find("\r\n\r\n");
        auto cl = r.find("Content-Length: ");
        if (cl == std::string::npos || cl > head) return true;
        std::size_t len = std::stoul(r.substr(cl + 16));
        return r.size() >= head + 4 + len && r.rfind("HEAD", 0) != 0;
    }
    int fd_;
    bool closed_ = false;
};

std::string get(const std::string& path, const std::string& method = "GET") {
    return method + " " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

struct Fixture : ::testing::Test {
    zw::NullLogSink log;
    int calls = 0;
    std::unique_ptr<HttpServer> start(HttpLimits limits = {}) {
        auto s = HttpServer::start(
            "127.0.0.1", 0,
            [this](std::string_view path, std::string_view query) -> HttpReply {
                ++calls;
                if (path == "/throw") throw std::runtime_error("handler bug");
                if (path == "/nothing") return {404, "text/plain", "no\n"};
                return {200, "text/plain", std::string(path) + "?" + std::string(query)};
            },
            log, limits);
        if (!s) throw std::runtime_error(s.error().message);
        return std::move(*s);
    }
};

TEST_F(Fixture, GetHeadAndOtherMethods) {
    auto server = start();
    Client c(server->port());
    c.send(get("/status.json?x=1"));
    std::string r = c.receive();
    EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
    EXPECT_NE(r.find("Content-Length: 16\r\n"), std::string::npos) << r;
    EXPECT_TRUE(r.ends_with("/status.json?x=1")) << r;
    EXPECT_NE(r.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
    // Keep-alive: HEAD on the same connection has the length and no body.
    c.send(get("/status.json", "HEAD"));
    r = c.receive(500ms);
    EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
    EXPECT_NE(r.find("Content-Length: 13\r\n"), std::string::npos) << r;
    EXPECT_TRUE(r.ends_with("\r\n\r\n")) << r;
    for (std::string m : {"POST", "PUT", "DELETE", "OPTIONS"}) {
        Client d(server->port());
        d.send(m + " / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        r = d.receive();
        EXPECT_EQ(r.rfind("HTTP/1.1 405", 0), 0u) << m << ": " << r;
        EXPECT_NE(r.find("Allow: GET, HEAD"), std::string::npos) << r;
    }
    Client e(server->port());
    e.send(get("/nothing"));
    EXPECT_EQ(e.receive().rfind("HTTP/1.1 404", 0), 0u);
}

TEST_F(Fixture, AThrowingHandlerIsA500AndTheServerGoesOn) {
    auto server = start();
    {
        Client c(server->port());
        c.send(get("/throw"));
        EXPECT_EQ(c.receive().rfind("HTTP/1.1 500", 0), 0u);
    }
    Client c(server->port());
    c.send(get("/"));
    EXPECT_EQ(c.receive().rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(Fixture, OversizedAndMalformedRequestsAreRefused) {
    HttpLimits limits;
    limits.header_bytes = 1024;
    auto server = start(limits);
    {
        Client c(server->port());
        c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(2000, 'a') + "\r\n\r\n");
        std::string r = c.receive();
        EXPECT_EQ(r.rfind("HTTP/1.1 431", 0), 0u) << r;
        EXPECT_TRUE(c.closed() || c.receive(500ms).empty());
    }
    {
        Client c(server->port());
        c.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
               std::string(2000, 'b'));
        EXPECT_EQ(c.receive().rfind("HTTP/1.1 413", 0), 0u);
    }
    {
        Client c(server->port());
        c.send("this is not http\r\n\r\n");
        EXPECT_EQ(c.receive().rfind("HTTP/1.1 400", 0), 0u);
    }
    EXPECT_EQ(calls, 0);  // none of them reached the handler
    Client c(server->port());
    c.send(get("/"));
    EXPECT_EQ(c.receive().rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(Fixture, ASlowClientIsCutOffAtTheReadTimeout) {
    HttpLimits limits;
    limits.read_timeout = 1s;
    auto server = start(limits);
    Client c(server->port());
    c.send("GET / HTTP/1.1\r\nHost:");  // and then nothing
    auto t0 = std::chrono::steady_clock::now();
    std::string r = c.receive(4000ms);
    EXPECT_TRUE(c.closed()) << "still open after 4 s";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
    EXPECT_TRUE(r.empty()) << r;
}

TEST_F(Fixture, ConnectionsBeyondTheBoundAreClosedAndTheServerRecovers) {
    HttpLimits limits;
    limits.connections = 2;
    auto server = start(limits);
    auto a = std::make_unique<Client>(server->port());
    auto b = std::make_unique<Client>(server->port());
    std::this_thread::sleep_for(100ms);  // both accepted
    Client third(server->port());
    third.send(get("/"));
    EXPECT_TRUE(third.receive().empty());
    EXPECT_TRUE(third.closed());
    a.reset();
    b.reset();
    std::this_thread::sleep_for(100ms);
    Client again(server->port());
    again.send(get("/"));
    EXPECT_EQ(again.receive().rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(Fixture, RequestsPerConnectionAreBounded) {
    HttpLimits limits;
    limits.requests_per_connection = 2;
    auto server = start(limits);
    Client c(server->port());
    c.send(get("/a"));
    EXPECT_EQ(c.receive().find("Connection: close"), std::string::npos);
    EXPECT_FALSE(c.closed());
    c.send(get("/b"));
    std::string r = c.receive();
    EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
    EXPECT_TRUE(c.closed() || c.receive(500ms).empty());
}

TEST(HttpServer, AnAddressInUseOrBadIsAClearError) {
    zw::NullLogSink log;
    auto handler = [](std::string_view, std::string_view) { return HttpReply{}; };
    auto bad = HttpServer::start("not-an-address", 0, handler, log);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("not an IP address"), std::string::npos);
    auto first = HttpServer::start("127.0.0.1", 0, handler, log);
    ASSERT_TRUE(first);
    auto second = HttpServer::start("127.0.0.1", (*first)->port(), handler, log);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("cannot listen for HTTP on 127.0.0.1:"),
              std::string::npos)
        << second.error().message;
}

}  // namespace
