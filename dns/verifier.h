#pragma once
// Checks DNSSEC signatures (RFC 3110 RSA, RFC 6605 ECDSA r|s, RFC 8080 EdDSA) with a public
// key taken from DNSKEY RDATA: what a validator sees, never a private key.

#include <array>
#include <memory>
#include <span>

#include "dns/dnssec.h"
#include "dns/ecdsa_key_table.h"
#include "dns/openssl.h"

namespace zw::dns {

// A public key from a DNSKEY, ready to check many signatures. Built from the published
// DNSKEY RDATA, never from the private key, so it checks what validators will check.
// One Verifier belongs to one thread.
class Verifier {
public:
    [[nodiscard]] static Result<Verifier> create(const Dnskey& key);
    [[nodiscard]] bool verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);

    struct Check {
        std::span<const std::uint8_t> data, signature;
        bool valid = false;
    };
    // The same verdicts as verify() one by one; P-256 checks of a busy key share work.
    void verify(std::span<Check> checks);

    // After this many P-256 verifications a Verifier builds a table for its key
    // (ecdsa_key_table.h): building it costs about what it saves over 500 verifications.
    static constexpr std::size_t table_after = 1000;

private:
    explicit Verifier(EvpPkey pkey, const Dnskey& key)
        : pkey_(std::move(pkey)), algorithm_(key.algorithm), public_key_(key.public_key) {}
    [[nodiscard]] bool digest(std::span<const std::uint8_t> data, std::array<unsigned char, 64>& out, unsigned& length);
    [[nodiscard]] bool verify_evp(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);
    [[nodiscard]] bool verify_ecdsa(std::span<const std::uint8_t> digest, std::span<const std::uint8_t> signature);
    // Counts P-256 verifications and builds the table when they pass table_after; true
    // when the table is there.
    bool use_table(std::size_t more);
    EvpPkey pkey_;
    std::uint8_t algorithm_;
    Bytes public_key_;
    EvpPkeyCtx pctx_;
    EvpMdCtx mdctx_;
    // Fetched once: an implicitly fetched digest is looked up under OpenSSL's global lock
    // on every call, which serialises verifying threads.
    std::unique_ptr<EVP_MD, OsslFree<EVP_MD_free>> md_;
    std::size_t ecdsa_p256_count_ = 0;
    std::unique_ptr<EcdsaKeyTable> table_;
};

}  // namespace zw::dns
