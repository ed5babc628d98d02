#pragma once
// A DNSSEC key pair as the signer holds it: the public DNSKEY, the private half inside
// OpenSSL, and the BIND timing metadata that decides whether it is published or signs.

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>

#include "base/duration.h"
#include "dns/dnssec.h"
#include "dns/openssl.h"

namespace zw::signer {

using dns::EvpPkey;

enum class KeyRole { ksk, zsk, csk };

[[nodiscard]] Result<KeyRole> key_role_from_text(std::string_view text);

// BIND's key timing metadata (Created, Publish, Activate, Inactive, Delete).
struct KeyTiming {
    std::optional<Instant> created, publish, activate, inactive, remove;

    [[nodiscard]] bool published_at(Instant now) const;
    [[nodiscard]] bool active_at(Instant now) const;
};

class KeyPair {
  public:
    KeyPair(dns::Name zone, dns::Dnskey dnskey, EvpPkey pkey, KeyTiming timing);

    [[nodiscard]] const dns::Name& zone() const { return zone_; }
    [[nodiscard]] const dns::Dnskey& dnskey() const { return dnskey_; }
    [[nodiscard]] const dns::Bytes& dnskey_rdata() const { return rdata_; }
    [[nodiscard]] std::uint16_t tag() const { return tag_; }
    [[nodiscard]] std::uint8_t algorithm() const { return dnskey_.algorithm; }
    [[nodiscard]] bool is_ksk() const { return dnskey_.is_sep(); }
    [[nodiscard]] const KeyTiming& timing() const { return timing_; }
    [[nodiscard]] EVP_PKEY* pkey() const { return pkey_.get(); }
    // "Kexample.com.+013+12345", the BIND base name (the zone as dns::file_name_text
    // writes it: no zone name can make it a path).
    [[nodiscard]] std::string base_name() const;

  private:
    dns::Name zone_;
    dns::Dnskey dnskey_;
    dns::Bytes rdata_;
    std::uint16_t tag_;
    EvpPkey pkey_;
    KeyTiming timing_;
};

// The DNSKEY public key field of RFC 3110 / RFC 6605 / RFC 8080 for an OpenSSL key.
[[nodiscard]] Result<dns::Bytes> public_key_field(EVP_PKEY* pkey, std::uint8_t algorithm);

// A new key pair. bits applies to RSA only (0 = 2048).
[[nodiscard]] Result<KeyPair> generate_key(const dns::Name& zone, std::uint8_t algorithm,
                                           KeyRole role, int bits, Instant now);

}  // namespace zw::signer
