#pragma once
// Which cryptographic library signs and verifies each DNSSEC algorithm. zonewarden carries
// two independent implementations of every algorithm it signs with, OpenSSL 3 and Nettle
// (the library under GnuTLS), and uses the faster one for each: the choice below comes from
// the rates measured on Debian 12 with bench/crypto_rates.cc (bench/README.md, "Library
// rates"). The other library stays available for cross-checks and for the tests.

#include <cstdint>
#include <optional>
#include <string_view>

namespace zw::dns {

enum class CryptoLibrary { openssl, nettle };

[[nodiscard]] std::string_view library_name(CryptoLibrary library);
[[nodiscard]] std::optional<CryptoLibrary> library_from_text(std::string_view text);

// The library that makes signatures of the algorithm, and the one that checks them by the
// public key. Both libraries handle every supported algorithm (dns/dnssec.h).
[[nodiscard]] CryptoLibrary signing_library(std::uint8_t algorithm);
[[nodiscard]] CryptoLibrary verifying_library(std::uint8_t algorithm);

// The library that is not `library`.
[[nodiscard]] CryptoLibrary other_library(CryptoLibrary library);

}  // namespace zw::dns
