#pragma once
// TLSA record data (RFC 6698 §2.1) computed from a certificate or a key as an ACME client
// writes them (certbot's cert.pem, chain.pem, fullchain.pem, privkey.pem), with OpenSSL.
//
// Only the parameters a DANE-protected service with an ACME certificate can rely on are
// accepted: usage 3 (DANE-EE) or 2 (DANE-TA), selector 1 (SPKI) or 0 (full certificate),
// matching type 1 (SHA-256) or 2 (SHA-512). The others are refused with the reason.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "dns/rr.h"

namespace zw::dane {

// The TLSA RR type code (RFC 6698 §7.1).
inline constexpr std::uint16_t tlsa_rrtype = 52;

// RFC 6698 §2.1.1, §2.1.2, §2.1.3; RFC 7218 gives the acronyms.
enum class Usage : std::uint8_t { pkix_ta = 0, pkix_ee = 1, dane_ta = 2, dane_ee = 3 };
enum class Selector : std::uint8_t { full_certificate = 0, spki = 1 };
enum class Matching : std::uint8_t { exact = 0, sha256 = 1, sha512 = 2 };

[[nodiscard]] std::string_view name(Usage u);
[[nodiscard]] std::string_view name(Selector s);
[[nodiscard]] std::string_view name(Matching m);

struct TlsaParams {
    Usage usage = Usage::dane_ee;
    Selector selector = Selector::spki;
    Matching matching = Matching::sha256;
};

// The three numbers as given on a command line or in a configuration; bad_input naming
// the number and why it is refused.
[[nodiscard]] Result<TlsaParams> tlsa_params(int usage, int selector, int matching);

struct TlsaRdata {
    TlsaParams params;
    dns::Bytes association;  // the certificate association data

    // The wire RDATA: usage, selector, matching type, data (RFC 6698 §2.1).
    [[nodiscard]] dns::Bytes wire() const;
    // "3 1 1 0a1b…" (RFC 6698 §2.2, the data in lower-case hex).
    [[nodiscard]] std::string text() const;
};

// From a certificate: `cert_file` holds the service's certificate first (cert.pem or
// fullchain.pem). Usage 2 (DANE-TA) takes the certificate that issued it from
// `chain_file` (chain.pem or fullchain.pem), which must then be given. Errors name the file.
[[nodiscard]] Result<TlsaRdata> tlsa_from_certificate(const TlsaParams& params,
                                                      const std::string& cert_file,
                                                      const std::string& chain_file);

// From a public or private key in PEM (the next key of a service, before it has a
// certificate): selector 1 only, a key has no certificate to hash.
[[nodiscard]] Result<TlsaRdata> tlsa_from_key(const TlsaParams& params,
                                              const std::string& key_file);

[[nodiscard]] std::string hex(std::span<const std::uint8_t> bytes);

}  // namespace zw::dane
