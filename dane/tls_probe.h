#pragma once
// One TLS handshake with a service, authenticated by OpenSSL's DANE support (SSL_dane_enable,
// SSL_dane_tlsa_add, SSL_get0_dane_authority, SSL_get0_dane_tlsa): the matching of TLSA
// records to the presented chain is OpenSSL's, not ours. SMTP STARTTLS (RFC 3207) first
// when asked. Plain sockets, every connect, read and write bounded by the timeout.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "dns/rr.h"
#include "live/server.h"

namespace zw::dane {

enum class StartTls { none, smtp };
[[nodiscard]] std::string_view name(StartTls s);
// "smtp"; imap, pop3 and xmpp are refused as not built.
[[nodiscard]] Result<StartTls> starttls_from_text(std::string_view text);

struct PresentedCertificate {
    std::string subject, issuer;  // RFC 2253 text
};

enum class TlsOutcome {
    verified,          // the handshake completed and a TLSA record authenticated the chain
    not_verified,      // the handshake completed, no TLSA record matched (or none given)
    no_connection,     // connect failed or timed out: could not check
    starttls_refused,  // the server did not offer or accept STARTTLS
    handshake_failed,  // TLS itself failed
};
[[nodiscard]] std::string_view name(TlsOutcome o);

struct TlsProbe {
    TlsOutcome outcome = TlsOutcome::no_connection;
    std::string detail;  // OpenSSL's verify error, the server's reply, the socket error
    std::vector<PresentedCertificate> chain;  // as the server sent it, leaf first
    std::optional<std::size_t> matched;       // index into the records given
    int authority_depth = -1;                 // depth of the matched certificate in the chain
};

// Connects to `where`, runs STARTTLS if asked, and handshakes with SNI `host`. `tlsa` are
// TLSA RDATAs (usage, selector, matching type, data) a DANE client would use; empty: the
// chain is only collected. `ehlo_name` names us in SMTP's EHLO.
[[nodiscard]] TlsProbe probe_tls(const live::Server& where, const std::string& host,
                                 StartTls starttls, std::span<const dns::Bytes> tlsa,
                                 std::chrono::milliseconds timeout,
                                 const std::string& ehlo_name = "dane-check.invalid");

}  // namespace zw::dane
