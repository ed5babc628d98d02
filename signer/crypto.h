#pragma once
// Signing and verifying DNSSEC signatures with OpenSSL EVP, in the wire formats of
// RFC 3110 (RSA), RFC 6605 (ECDSA r|s) and RFC 8080 (EdDSA).
//
// A SigningContext belongs to one thread: it keeps its OpenSSL contexts between
// signatures, which is most of the speed difference on small RRsets.

#include <span>

#include "signer/key.h"
#include "signer/openssl_util.h"

namespace zw::signer {

class SigningContext {
public:
    [[nodiscard]] static Result<SigningContext> create(const KeyPair& key);
    // Appends the signature over data to out.
    [[nodiscard]] Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out);

private:
    SigningContext(EVP_PKEY* pkey, std::uint8_t algorithm) : pkey_(pkey), algorithm_(algorithm) {}
    EVP_PKEY* pkey_;  // owned by the KeyPair, which outlives the context
    std::uint8_t algorithm_;
    EvpPkeyCtx pctx_;  // RSA, ECDSA: initialised once, then used for each digest
    EvpMdCtx mdctx_;   // EdDSA: one-shot DigestSign per message
    std::size_t coordinate_size_ = 0;
};

// A public key from a DNSKEY, ready to check many signatures. Built from the published
// DNSKEY RDATA, never from the private key, so it checks what validators will check.
class Verifier {
public:
    [[nodiscard]] static Result<Verifier> create(const dns::Dnskey& key);
    [[nodiscard]] bool verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);

private:
    explicit Verifier(EvpPkey pkey, std::uint8_t algorithm) : pkey_(std::move(pkey)), algorithm_(algorithm) {}
    EvpPkey pkey_;
    std::uint8_t algorithm_;
    EvpPkeyCtx pctx_;
    EvpMdCtx mdctx_;
};

}  // namespace zw::signer
