#include "signer/crypto.h"

namespace zw::signer {

Result<SigningContext> SigningContext::create(const KeyPair& key) {
    return create(key, dns::signing_library(key.algorithm()));
}

Result<SigningContext> SigningContext::create(const KeyPair& key, dns::CryptoLibrary library) {
    auto backend =
        library == dns::CryptoLibrary::openssl ? make_openssl_signer(key) : make_nettle_signer(key);
    if (!backend) return fail(backend.error());
    return SigningContext(std::move(*backend), library);
}

}  // namespace zw::signer
