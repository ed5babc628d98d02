#pragma once
// DNSSEC arithmetic on public data: algorithm numbers, DNSKEY RDATA, key tags (RFC 4034
// Appendix B) and DS digests (RFC 4034 §5.1.4, RFC 4509, RFC 6605).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dns/rr.h"

namespace zw::dns {

namespace alg {
inline constexpr std::uint8_t rsasha256 = 8, ecdsap256sha256 = 13, ecdsap384sha384 = 14,
                              ed25519 = 15, ed448 = 16;
}  // namespace alg

namespace digest {
inline constexpr std::uint8_t sha1 = 1, sha256 = 2, sha384 = 4;
}  // namespace digest

// The algorithms zonewarden signs with.
[[nodiscard]] bool algorithm_supported(std::uint8_t algorithm);
// "ECDSAP256SHA256" for 13 (the IANA mnemonic), "ALG200" for unknown ones.
[[nodiscard]] std::string algorithm_mnemonic(std::uint8_t algorithm);
// Accepts a mnemonic in any case ("ecdsap256sha256", "ED25519") or a number ("13").
[[nodiscard]] Result<std::uint8_t> algorithm_from_text(std::string_view text);

inline constexpr std::uint16_t dnskey_flag_zone = 0x0100;  // RFC 4034 §2.1.1
inline constexpr std::uint16_t dnskey_flag_sep = 0x0001;
inline constexpr std::uint16_t dnskey_flag_revoke = 0x0080;  // RFC 5011

struct Dnskey {
    std::uint16_t flags = dnskey_flag_zone;
    std::uint8_t protocol = 3;
    std::uint8_t algorithm = 0;
    Bytes public_key;

    [[nodiscard]] bool is_sep() const { return (flags & dnskey_flag_sep) != 0; }
    [[nodiscard]] Bytes rdata() const;
    [[nodiscard]] static Result<Dnskey> from_rdata(const Bytes& rdata);
};

[[nodiscard]] std::uint16_t key_tag(const Bytes& dnskey_rdata);

// The size of a DS digest of this type (1 SHA-1, 2 SHA-256, 4 SHA-384); nullopt for the
// other types, which zonewarden neither makes nor accepts.
[[nodiscard]] std::optional<std::size_t> ds_digest_size(std::uint8_t digest_type);

// RFC 3110 §2: the exponent and the modulus in an RSA DNSKEY's public key field (views
// into it); refused when the lengths do not add up or either is empty.
struct RsaPublicKey {
    std::span<const std::uint8_t> exponent, modulus;
};
[[nodiscard]] Result<RsaPublicKey> split_rsa_public_key(std::span<const std::uint8_t> field);

// DS RDATA for the key at owner with the given digest type.
[[nodiscard]] Result<Bytes> ds_rdata(const Name& owner, const Bytes& dnskey_rdata,
                                     std::uint8_t digest_type);

// RFC 8078 §4: the CDS and CDNSKEY RDATA that ask the parent to remove all DS records.
[[nodiscard]] Bytes cds_delete_rdata();
[[nodiscard]] Bytes cdnskey_delete_rdata();

}  // namespace zw::dns
