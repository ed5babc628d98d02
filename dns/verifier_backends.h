#pragma once
// The two implementations behind dns::Verifier (verifier.h), each built from the DNSKEY's
// public key alone.

#include <memory>

#include "dns/ecdsa_key_table.h"
#include "dns/verifier.h"

namespace zw::dns {

[[nodiscard]] Result<std::unique_ptr<Verifier::Backend>> make_openssl_verifier(
    const Dnskey& key, OpensslEcPath path = OpensslEcPath::fast_if_built);
[[nodiscard]] Result<std::unique_ptr<Verifier::Backend>> make_nettle_verifier(const Dnskey& key);

}  // namespace zw::dns
