#pragma once
// Checks DNSSEC signatures (RFC 3110 RSA, RFC 6605 ECDSA r|s, RFC 8080 EdDSA) with a public
// key taken from DNSKEY RDATA, and nothing else: what a validator sees.

#include <memory>
#include <span>

#include "dns/crypto_library.h"
#include "dns/dnssec.h"

namespace zw::dns {

// A public key from a DNSKEY, ready to check many signatures, on one of the two libraries
// (crypto_library.h). One Verifier belongs to one thread.
class Verifier {
  public:
    // On verifying_library(key.algorithm).
    [[nodiscard]] static Result<Verifier> create(const Dnskey& key);
    [[nodiscard]] static Result<Verifier> create(const Dnskey& key, CryptoLibrary library);

    [[nodiscard]] bool verify(std::span<const std::uint8_t> data,
                              std::span<const std::uint8_t> signature);

    struct Check {
        std::span<const std::uint8_t> data, signature;
        bool valid = false;
    };
    // The same verdicts as verify() one by one; a backend may share work among them.
    void verify(std::span<Check> checks);

    [[nodiscard]] CryptoLibrary library() const { return library_; }

    class Backend {
      public:
        virtual ~Backend() = default;
        [[nodiscard]] virtual bool verify(std::span<const std::uint8_t> data,
                                          std::span<const std::uint8_t> signature) = 0;
        virtual void verify(std::span<Check> checks) {
            for (Check& c : checks) c.valid = verify(c.data, c.signature);
        }
    };

  private:
    Verifier(std::unique_ptr<Backend> backend, CryptoLibrary library)
        : backend_(std::move(backend)), library_(library) {}
    std::unique_ptr<Backend> backend_;
    CryptoLibrary library_;
};

}  // namespace zw::dns
