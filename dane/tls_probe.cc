#include "dane/tls_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "base/c_handle.h"
#include "base/unique_fd.h"
#include "dns/openssl.h"

namespace zw::dane {

namespace {

using SslCtx = std::unique_ptr<SSL_CTX, Free<SSL_CTX_free>>;
using Ssl = std::unique_ptr<SSL, Free<SSL_free>>;
using Bio = std::unique_ptr<BIO, Free<BIO_free>>;

// An SMTP reply is a few lines; a server that sends more is not one we talk to.
constexpr int max_reply_lines = 64;
constexpr std::size_t max_line_bytes = 4096;

// A connected TCP socket with send and receive timeouts, or the reason there is none.
Result<UniqueFd> connect_to(const live::Server& where, std::chrono::milliseconds timeout) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, where.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(where.port);
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, where.address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(where.port);
        len = sizeof *v6;
    } else {
        return fail(bad_input(fmt::format("{} is not an IP address", where.address)));
    }
    UniqueFd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return fail(outside_error(fmt::format("socket: {}", std::strerror(errno))));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
        if (errno != EINPROGRESS)
            return fail(outside_error(fmt::format("connect: {}", std::strerror(errno))));
        pollfd p{fd.get(), POLLOUT, 0};
        int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (r == 0)
            return fail(
                outside_error(fmt::format("connect: timed out after {} ms", timeout.count())));
        int err = 0;
        socklen_t el = sizeof err;
        if (r < 0 || ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
            return fail(
                outside_error(fmt::format("connect: {}", std::strerror(err != 0 ? err : errno))));
    }
    // Blocking from here on, each read and write bounded (SSL_connect reads and writes the
    // socket itself).
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

using Deadline = std::chrono::steady_clock::time_point;

// One CRLF-terminated line, read a byte at a time so that nothing of the TLS handshake
// that follows is consumed. The whole exchange shares one deadline: a server that sends
// a byte now and then cannot keep the check waiting a timeout per byte.
Result<std::string> read_line(int fd, Deadline deadline) {
    std::string line;
    while (line.size() < max_line_bytes) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0)
            return fail(outside_error("timed out waiting for the server's SMTP reply"));
        char c = 0;
        ssize_t n = ::recv(fd, &c, 1, 0);
        if (n == 0) return fail(outside_error("the server closed the connection"));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(outside_error(errno == EAGAIN || errno == EWOULDBLOCK
                                          ? std::string("timed out waiting for the server")
                                          : fmt::format("recv: {}", std::strerror(errno))));
        }
        if (c == '\n') {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        line += c;
    }
    return fail(outside_error("a line longer than 4096 octets"));
}

// An SMTP reply (RFC 5321 §4.2): lines "250-..." then "250 ..."; all its lines.
Result<std::vector<std::string>> read_reply(int fd, Deadline deadline) {
    std::vector<std::string> lines;
    for (int i = 0; i < max_reply_lines; ++i) {
        auto l = read_line(fd, deadline);
        if (!l) return fail(l.error());
        lines.push_back(*l);
        if (l->size() < 4 || (*l)[3] != '-') return lines;
    }
    return fail(outside_error("an SMTP reply of more than 64 lines"));
}

Result<void> send_all(int fd, const std::string& text) {
    std::size_t off = 0;
    while (off < text.size()) {
        ssize_t n = ::send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(outside_error(fmt::format("send: {}", std::strerror(errno))));
        }
        off += static_cast<std::size_t>(n);
    }
    return {};
}

bool code_is(const std::vector<std::string>& reply, std::string_view code) {
    return !reply.empty() && reply.back().starts_with(code);
}

// RFC 3207 §4: greeting, EHLO, STARTTLS offered in the EHLO reply, "220" to STARTTLS.
Result<void> smtp_starttls(int fd, const std::string& ehlo_name, Deadline deadline) {
    auto greeting = read_reply(fd, deadline);
    if (!greeting) return fail(greeting.error());
    if (!code_is(*greeting, "220"))
        return fail(outside_error(fmt::format("greeting: {}", greeting->back())));
    if (auto s = send_all(fd, fmt::format("EHLO {}\r\n", ehlo_name)); !s) return s;
    auto ehlo = read_reply(fd, deadline);
    if (!ehlo) return fail(ehlo.error());
    if (!code_is(*ehlo, "250")) return fail(outside_error(fmt::format("EHLO: {}", ehlo->back())));
    bool offered = false;
    for (const auto& l : *ehlo)
        if (l.size() >= 12 && strncasecmp(l.c_str() + 4, "STARTTLS", 8) == 0) offered = true;
    if (!offered) return fail(outside_error("the server does not offer STARTTLS after EHLO"));
    if (auto s = send_all(fd, "STARTTLS\r\n"); !s) return s;
    auto go = read_reply(fd, deadline);
    if (!go) return fail(go.error());
    if (!code_is(*go, "220")) return fail(outside_error(fmt::format("STARTTLS: {}", go->back())));
    return {};
}

std::string name_text(const X509_NAME* n) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), n, 0, XN_FLAG_RFC2253) < 0) return "?";
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

std::string_view name(StartTls s) {
    switch (s) {
        case StartTls::none:
            return "none";
        case StartTls::smtp:
            return "smtp";
    }
    return "?";
}

Result<StartTls> starttls_from_text(std::string_view text) {
    if (text == "smtp") return StartTls::smtp;
    if (text == "imap" || text == "pop3" || text == "xmpp")
        return fail(bad_input(
            fmt::format("--starttls {} is not built yet; only smtp is (docs/dane.md)", text)));
    return fail(bad_input(fmt::format("--starttls {}: expected smtp", text)));
}

std::string_view name(TlsOutcome o) {
    switch (o) {
        case TlsOutcome::verified:
            return "verified";
        case TlsOutcome::not_verified:
            return "not verified";
        case TlsOutcome::no_connection:
            return "no connection";
        case TlsOutcome::starttls_refused:
            return "STARTTLS failed";
        case TlsOutcome::handshake_failed:
            return "TLS handshake failed";
    }
    return "?";
}

TlsProbe probe_tls(const live::Server& where, const std::string& host, StartTls starttls,
                   std::span<const dns::Bytes> tlsa, std::chrono::milliseconds timeout,
                   const std::string& ehlo_name) {
    TlsProbe out;
    auto fd = connect_to(where, timeout);
    if (!fd) {
        out.detail = fd.error().message;
        return out;
    }
    switch (starttls) {
        case StartTls::none:
            break;
        case StartTls::smtp:
            if (auto s =
                    smtp_starttls(fd->get(), ehlo_name, std::chrono::steady_clock::now() + timeout);
                !s) {
                out.outcome = TlsOutcome::starttls_refused;
                out.detail = s.error().message;
                return out;
            }
            break;
    }
    out.outcome = TlsOutcome::handshake_failed;
    SslCtx ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx || SSL_CTX_dane_enable(ctx.get()) <= 0) {
        out.detail = "OpenSSL DANE setup: " + dns::openssl_error();
        return out;
    }
    // Verification is read after the handshake (SSL_get_verify_result), so that a chain
    // that does not match is still collected and shown.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    Ssl ssl(SSL_new(ctx.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd->get()) != 1 ||
        SSL_set_tlsext_host_name(ssl.get(), host.c_str()) != 1) {
        out.detail = "OpenSSL setup: " + dns::openssl_error();
        return out;
    }
    if (!tlsa.empty()) {
        if (SSL_dane_enable(ssl.get(), host.c_str()) <= 0) {
            out.detail = "SSL_dane_enable: " + dns::openssl_error();
            return out;
        }
        // RFC 7671 §5.1: a DANE-EE(3) match authenticates the service whatever names the
        // certificate holds.
        SSL_dane_set_flags(ssl.get(), DANE_FLAG_NO_DANE_EE_NAMECHECKS);
        for (const dns::Bytes& rd : tlsa) {
            if (rd.size() < 3) continue;
            // 0: OpenSSL cannot use it (unknown parameters); the caller judged usability.
            if (SSL_dane_tlsa_add(ssl.get(), rd[0], rd[1], rd[2], rd.data() + 3, rd.size() - 3) <
                0) {
                out.detail = "SSL_dane_tlsa_add: " + dns::openssl_error();
                return out;
            }
        }
    }
    if (SSL_connect(ssl.get()) != 1) {
        out.detail = dns::openssl_error();
        return out;
    }
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get()))
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            X509* c = sk_X509_value(chain, i);
            out.chain.push_back(
                {name_text(X509_get_subject_name(c)), name_text(X509_get_issuer_name(c))});
        }
    long verify = SSL_get_verify_result(ssl.get());
    out.outcome = TlsOutcome::not_verified;
    if (tlsa.empty()) {
        out.detail = "no TLSA record given to authenticate with";
    } else if (verify != X509_V_OK) {
        out.detail = X509_verify_cert_error_string(verify);
    } else {
        std::uint8_t u = 0, s = 0, m = 0;
        const unsigned char* data = nullptr;
        std::size_t dlen = 0;
        out.authority_depth = SSL_get0_dane_authority(ssl.get(), nullptr, nullptr);
        if (SSL_get0_dane_tlsa(ssl.get(), &u, &s, &m, &data, &dlen) >= 0 && data != nullptr) {
            for (std::size_t i = 0; i < tlsa.size(); ++i) {
                const dns::Bytes& rd = tlsa[i];
                if (rd.size() == dlen + 3 && rd[0] == u && rd[1] == s && rd[2] == m &&
                    std::memcmp(rd.data() + 3, data, dlen) == 0)
                    out.matched = i;
            }
            out.outcome = TlsOutcome::verified;
        } else {
            out.detail = "verified, but OpenSSL names no matching TLSA record";
        }
    }
    SSL_shutdown(ssl.get());
    return out;
}

}  // namespace zw::dane
