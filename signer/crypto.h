#pragma once
// Making DNSSEC signatures, in the wire formats of RFC 3110 (RSA), RFC 6605 (ECDSA r|s) and
// RFC 8080 (EdDSA), on either of the two libraries of dns/crypto_library.h; the one that
// checks them is dns::Verifier.
//
// A SigningContext belongs to one thread and one key: it keeps the key in its library's
// form and its library contexts between signatures, which is most of the speed difference
// on small RRsets (and for ECDSA on OpenSSL the setup values made ahead in a batch,
// ecdsa_batch_signer.h), so it should live as long as its thread has signatures to make.
// Private key material it copies out of the KeyPair is wiped when it goes.

#include <memory>
#include <span>

#include "dns/crypto_library.h"
#include "dns/ecdsa_key_table.h"
#include "signer/key.h"

namespace zw::signer {

class SigningContext {
  public:
    // On dns::signing_library(key.algorithm()).
    [[nodiscard]] static Result<SigningContext> create(const KeyPair& key);
    [[nodiscard]] static Result<SigningContext> create(const KeyPair& key,
                                                       dns::CryptoLibrary library);

    // Appends the signature over data to out.
    [[nodiscard]] Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out) {
        return backend_->sign(data, out);
    }
    [[nodiscard]] dns::CryptoLibrary library() const { return library_; }

    class Backend {
      public:
        virtual ~Backend() = default;
        [[nodiscard]] virtual Result<void> sign(std::span<const std::uint8_t> data,
                                                dns::Bytes& out) = 0;
    };

  private:
    SigningContext(std::unique_ptr<Backend> backend, dns::CryptoLibrary library)
        : backend_(std::move(backend)), library_(library) {}
    std::unique_ptr<Backend> backend_;
    dns::CryptoLibrary library_;
};

// The two implementations, for crypto.cc and the tests.
[[nodiscard]] Result<std::unique_ptr<SigningContext::Backend>> make_openssl_signer(
    const KeyPair& key, dns::OpensslEcPath path = dns::OpensslEcPath::fast_if_built);
[[nodiscard]] Result<std::unique_ptr<SigningContext::Backend>> make_nettle_signer(
    const KeyPair& key);

}  // namespace zw::signer
