#include "dns/crypto_library.h"

#include "dns/dnssec.h"

namespace zw::dns {

std::string_view library_name(CryptoLibrary library) {
    switch (library) {
        case CryptoLibrary::openssl:
            return "openssl";
        case CryptoLibrary::nettle:
            return "nettle";
    }
    return "unknown";
}

std::optional<CryptoLibrary> library_from_text(std::string_view text) {
    if (text == "openssl") return CryptoLibrary::openssl;
    if (text == "nettle") return CryptoLibrary::nettle;
    return std::nullopt;
}

CryptoLibrary other_library(CryptoLibrary library) {
    return library == CryptoLibrary::openssl ? CryptoLibrary::nettle : CryptoLibrary::openssl;
}

// Debian 12's OpenSSL 3.0 signs P-256 with its assembly code (about twice Nettle's rate,
// and more with the batched setup of signer/ecdsa_batch_signer.h) and RSA several times
// faster than Nettle; it has no fast code for P-384, where Nettle is about six times
// faster, and Nettle signs both EdDSA curves faster (bench/README.md, "Library rates").
CryptoLibrary signing_library(std::uint8_t algorithm) {
    switch (algorithm) {
        case alg::ecdsap384sha384:
        case alg::ed25519:
        case alg::ed448:
            return CryptoLibrary::nettle;
        default:
            return CryptoLibrary::openssl;
    }
}

// Verification by the public key: P-256 gets per-key tables on OpenSSL's code
// (dns/ecdsa_key_table.h); P-384 is Nettle's again; OpenSSL verifies Ed448 about twice as
// fast as Nettle and Ed25519 about as fast, and most EdDSA signatures are verified in
// batches (dns/eddsa_batch.h) that OpenSSL only backs; RSA costs about the same in both.
CryptoLibrary verifying_library(std::uint8_t algorithm) {
    switch (algorithm) {
        case alg::ecdsap384sha384:
            return CryptoLibrary::nettle;
        default:
            return CryptoLibrary::openssl;
    }
}

}  // namespace zw::dns
