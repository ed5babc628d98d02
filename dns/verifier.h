#pragma once
// Checks DNSSEC signatures (RFC 3110 RSA, RFC 6605 ECDSA r|s, RFC 8080 EdDSA) with a public
// key taken from DNSKEY RDATA: what a validator sees, never a private key.

#include <span>

#include "dns/dnssec.h"
#include "dns/openssl.h"

namespace zw::dns {

// A public key from a DNSKEY, ready to check many signatures. Built from the published
// DNSKEY RDATA, never from the private key, so it checks what validators will check.
class Verifier {
public:
    [[nodiscard]] static Result<Verifier> create(const Dnskey& key);
    [[nodiscard]] bool verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);

private:
    explicit Verifier(EvpPkey pkey, std::uint8_t algorithm) : pkey_(std::move(pkey)), algorithm_(algorithm) {}
    EvpPkey pkey_;
    std::uint8_t algorithm_;
    EvpPkeyCtx pctx_;
    EvpMdCtx mdctx_;
};

}  // namespace zw::dns
