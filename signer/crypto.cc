#include "signer/crypto.h"

#include <fmt/format.h>
#include <openssl/ec.h>

#include <algorithm>
#include <array>

namespace zw::signer {

namespace {

using EcdsaSig = std::unique_ptr<ECDSA_SIG, dns::OsslFree<ECDSA_SIG_free>>;

bool is_eddsa(std::uint8_t algorithm) { return algorithm == dns::alg::ed25519 || algorithm == dns::alg::ed448; }
bool is_ecdsa(std::uint8_t algorithm) {
    return algorithm == dns::alg::ecdsap256sha256 || algorithm == dns::alg::ecdsap384sha384;
}

}  // namespace

Result<SigningContext> SigningContext::create(const KeyPair& key) {
    SigningContext ctx(key.pkey(), key.algorithm());
    if (is_eddsa(ctx.algorithm_)) {
        ctx.mdctx_.reset(EVP_MD_CTX_new());
        if (!ctx.mdctx_) return fail(internal_error("out of memory"));
        return ctx;
    }
    ctx.pctx_.reset(EVP_PKEY_CTX_new(key.pkey(), nullptr));
    ctx.mdctx_.reset(EVP_MD_CTX_new());
    ctx.md_.reset(EVP_MD_fetch(nullptr, EVP_MD_get0_name(dns::dnssec_digest(ctx.algorithm_)), nullptr));
    if (!ctx.pctx_ || !ctx.mdctx_ || !ctx.md_ || EVP_PKEY_sign_init(ctx.pctx_.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.pctx_.get(), dns::dnssec_digest(ctx.algorithm_)) != 1) {
        return fail(internal_error(fmt::format("cannot set up signing with key {}: {}", key.tag(), dns::openssl_error())));
    }
    if (is_ecdsa(ctx.algorithm_)) {
        ctx.coordinate_size_ = ctx.algorithm_ == dns::alg::ecdsap256sha256 ? 32 : 48;
        ctx.ecdsa_batch_ = EcdsaBatchSigner::create(key.pkey());
    }
    return ctx;
}

Result<void> SigningContext::sign(std::span<const std::uint8_t> data, dns::Bytes& out) {
    if (is_eddsa(algorithm_)) {
        std::size_t len = 0;
        if (EVP_DigestSignInit(mdctx_.get(), nullptr, nullptr, nullptr, pkey_) != 1 ||
            EVP_DigestSign(mdctx_.get(), nullptr, &len, data.data(), data.size()) != 1) {
            return fail(internal_error(fmt::format("EdDSA signing failed: {}", dns::openssl_error())));
        }
        std::size_t at = out.size();
        out.resize(at + len);
        if (EVP_DigestSign(mdctx_.get(), out.data() + at, &len, data.data(), data.size()) != 1) {
            return fail(internal_error(fmt::format("EdDSA signing failed: {}", dns::openssl_error())));
        }
        out.resize(at + len);
        return {};
    }
    std::array<unsigned char, 64> digest{};
    unsigned int dlen = 0;
    if (EVP_DigestInit_ex(mdctx_.get(), md_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(mdctx_.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(mdctx_.get(), digest.data(), &dlen) != 1) {
        return fail(internal_error(fmt::format("digest failed: {}", dns::openssl_error())));
    }
    if (ecdsa_batch_) {
        if (!ecdsa_batch_->sign(std::span(digest).first(dlen), out)) {
            return fail(internal_error(fmt::format("signing failed: {}", dns::openssl_error())));
        }
        return {};
    }
    std::array<unsigned char, 1024> sig{};
    std::size_t siglen = sig.size();
    if (EVP_PKEY_sign(pctx_.get(), sig.data(), &siglen, digest.data(), dlen) != 1) {
        return fail(internal_error(fmt::format("signing failed: {}", dns::openssl_error())));
    }
    if (!is_ecdsa(algorithm_)) {
        out.insert(out.end(), sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(siglen));
        return {};
    }
    // OpenSSL returns DER; RFC 6605 §4 wants r and s as fixed-width big-endian integers.
    const unsigned char* p = sig.data();
    EcdsaSig es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(siglen)));
    if (!es) return fail(internal_error("malformed ECDSA signature from OpenSSL"));
    std::size_t at = out.size();
    out.resize(at + 2 * coordinate_size_);
    int w = static_cast<int>(coordinate_size_);
    if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), out.data() + at, w) != w ||
        BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), out.data() + at + coordinate_size_, w) != w) {
        return fail(internal_error("ECDSA signature does not fit"));
    }
    return {};
}

}  // namespace zw::signer
