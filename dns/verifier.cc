#include "dns/verifier.h"

#include "dns/verifier_backends.h"

namespace zw::dns {

Result<Verifier> Verifier::create(const Dnskey& key) {
    return create(key, verifying_library(key.algorithm));
}

Result<Verifier> Verifier::create(const Dnskey& key, CryptoLibrary library) {
    auto backend =
        library == CryptoLibrary::openssl ? make_openssl_verifier(key) : make_nettle_verifier(key);
    if (!backend) return fail(backend.error());
    return Verifier(std::move(*backend), library);
}

bool Verifier::verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) {
    return backend_->verify(data, signature);
}

void Verifier::verify(std::span<Check> checks) { backend_->verify(checks); }

}  // namespace zw::dns
