#pragma once
// ECDSA signing with the per-signature setup done in batches.
//
// An OpenSSL ECDSA signature costs about three times its one point multiplication k·G:
// the rest is the setup around it, one inversion of k modulo the group order and one field
// inversion to make k·G affine, each almost as dear as the multiplication. Those
// inversions need not be done one at a time. This class makes the setup values (k⁻¹, r)
// for a batch of nonces at once: OpenSSL draws the nonces from its private DRBG, computes
// each k·G on the constant-time path its own signing uses, and makes the batch affine with
// one field inversion (EC_POINTs_make_affine); the k⁻¹ share one inversion by Montgomery's
// trick in Montgomery form. Each signature then goes to ECDSA_do_sign_ex, which computes
// s = k⁻¹·(e + r·d) itself, as ECDSA_sign_setup values are meant to be used.
//
// Every setup pair is used for one signature only and cleared after it. The batch starts
// at one nonce and doubles up to a cap, so a context that makes a single signature does no
// work ahead. One signer belongs to one thread.

#include <cstdint>
#include <memory>
#include <span>

#include <openssl/evp.h>

#include "dns/rdata.h"

namespace zw::signer {

class EcdsaBatchSigner {
  public:
    // For an ECDSA key (P-256 or P-384). nullptr when the key is not ECDSA or the fast path
    // on OpenSSL's deprecated EC API is not built (dns/openssl_fast_path.h); the caller
    // then signs through EVP.
    [[nodiscard]] static std::unique_ptr<EcdsaBatchSigner> create(EVP_PKEY* key);
    ~EcdsaBatchSigner();
    EcdsaBatchSigner(const EcdsaBatchSigner&) = delete;
    EcdsaBatchSigner& operator=(const EcdsaBatchSigner&) = delete;

    // Appends r | s (RFC 6605 §4) for the message digest to out. False when OpenSSL fails;
    // out is then unchanged.
    [[nodiscard]] bool sign(std::span<const std::uint8_t> digest, dns::Bytes& out);

    static constexpr std::size_t max_batch = 64;

  private:
    struct State;
    explicit EcdsaBatchSigner(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace zw::signer
