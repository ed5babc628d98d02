#pragma once
// Checks DNSSEC signatures (RFC 3110 RSA, RFC 6605 ECDSA r|s, RFC 8080 EdDSA) with a public
// key taken from DNSKEY RDATA: what a validator sees.

#include <array>
#include <memory>
#include <span>

#include "dns/dnssec.h"
#include "dns/ecdsa_key_table.h"
#include "dns/openssl.h"

namespace zw::dns {

// A public key from a DNSKEY, ready to check many signatures. Built from the published
// DNSKEY RDATA, so it checks what validators will check. A signer checking its own output
// may hand over the key pair too: for P-256 it halves the work once the private scalar is
// shown to belong to the published key, and changes no verdict (ecdsa_key_table.h).
// One Verifier belongs to one thread.
class Verifier {
public:
    // key_pair must outlive the Verifier.
    [[nodiscard]] static Result<Verifier> create(const Dnskey& key, EVP_PKEY* key_pair = nullptr);
    [[nodiscard]] bool verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);

    struct Check {
        std::span<const std::uint8_t> data, signature;
        bool valid = false;
    };
    // The same verdicts as verify() one by one; P-256 checks of a busy key share work.
    void verify(std::span<Check> checks);

    // After this many P-256 verifications a Verifier builds a table for its key
    // (ecdsa_key_table.h): building it costs about what it saves over 500 verifications.
    // With the key pair the table is for another point, at the same cost.
    static constexpr std::size_t table_after = 1000;

private:
    explicit Verifier(EvpPkey pkey, const Dnskey& key, EVP_PKEY* key_pair)
        : pkey_(std::move(pkey)), key_pair_(key_pair), algorithm_(key.algorithm), public_key_(key.public_key) {}
    [[nodiscard]] bool digest(std::span<const std::uint8_t> data, std::array<unsigned char, 64>& out, unsigned& length);
    [[nodiscard]] bool verify_evp(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);
    [[nodiscard]] bool verify_ecdsa(std::span<const std::uint8_t> digest, std::span<const std::uint8_t> signature);
    // Counts P-256 verifications and builds the table when they pass table_after; true
    // when the table is there.
    bool use_table(std::size_t more);
    EvpPkey pkey_;
    EVP_PKEY* key_pair_;  // not owned; may be null
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
