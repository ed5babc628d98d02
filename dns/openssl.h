#pragma once
// RAII owners and small helpers over OpenSSL 3, for the DNSSEC crypto of dns/ and signer/.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <optional>
#include <string>

#include "base/c_handle.h"
#include "dns/rr.h"

namespace zw::dns {

template <auto F>
using OsslFree = zw::Free<F>;
using Bignum = std::unique_ptr<BIGNUM, OsslFree<BN_clear_free>>;
using BnCtx = std::unique_ptr<BN_CTX, OsslFree<BN_CTX_free>>;
using MontCtx = std::unique_ptr<BN_MONT_CTX, OsslFree<BN_MONT_CTX_free>>;
using EcGroup = std::unique_ptr<EC_GROUP, OsslFree<EC_GROUP_free>>;
using EcPoint = std::unique_ptr<EC_POINT, OsslFree<EC_POINT_clear_free>>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, OsslFree<EVP_PKEY_CTX_free>>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, OsslFree<EVP_MD_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, OsslFree<OSSL_PARAM_BLD_free>>;
using EvpPkey = std::unique_ptr<EVP_PKEY, OsslFree<EVP_PKEY_free>>;

// A new number for secrets (a private scalar, a nonce, anything derived from them): OpenSSL
// takes its constant-time paths for it. nullptr when out of memory.
[[nodiscard]] Bignum secret_bignum();

// Builds a key of the given OpenSSL type ("RSA", "EC") from the parameters pushed on bld;
// selection is EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY. nullptr on failure.
[[nodiscard]] EvpPkey pkey_from_params(const char* type, ParamBld& bld, int selection);

// The digest of an RSA or ECDSA algorithm (RFC 5702, RFC 6605); nullptr for EdDSA and others.
[[nodiscard]] const EVP_MD* dnssec_digest(std::uint8_t algorithm);

// The text of the most recent OpenSSL error, and clears the queue.
[[nodiscard]] std::string openssl_error();

// A BIGNUM parameter of a key as big-endian bytes without leading zeros.
[[nodiscard]] std::optional<Bytes> bn_param(EVP_PKEY* pkey, const char* name);
// A BIGNUM parameter padded to width bytes.
[[nodiscard]] std::optional<Bytes> bn_param_padded(EVP_PKEY* pkey, const char* name, int width);

}  // namespace zw::dns
