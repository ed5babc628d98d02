#pragma once
// Making DNSSEC signatures with OpenSSL EVP, in the wire formats of
// RFC 3110 (RSA), RFC 6605 (ECDSA r|s) and RFC 8080 (EdDSA).
//
// A SigningContext belongs to one thread: it keeps its OpenSSL contexts between
// signatures, which is most of the speed difference on small RRsets, and for ECDSA the
// setup values it made ahead in a batch (ecdsa_batch_signer.h), so it should live as long
// as its thread has signatures to make.

#include <memory>
#include <span>

#include "signer/ecdsa_batch_signer.h"
#include "signer/key.h"
#include "dns/openssl.h"

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
    dns::EvpPkeyCtx pctx_;  // RSA, ECDSA: initialised once, then used for each digest
    dns::EvpMdCtx mdctx_;   // EdDSA: one-shot DigestSign per message; RSA, ECDSA: the digest
    // Fetched once: OpenSSL 3.0 looks an implicitly named digest up under a global lock on
    // every EVP_Digest call, which made two signing threads slower than one.
    std::unique_ptr<EVP_MD, dns::OsslFree<EVP_MD_free>> md_;
    std::size_t coordinate_size_ = 0;
    std::unique_ptr<EcdsaBatchSigner> ecdsa_batch_;  // ECDSA: the setup values in batches
};

}  // namespace zw::signer
