#include "signer/crypto.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

#include <array>

#include "dns/rdata.h"

namespace zw::signer {

namespace {

using EcdsaSig = std::unique_ptr<ECDSA_SIG, OsslFree<ECDSA_SIG_free>>;

bool is_eddsa(std::uint8_t algorithm) { return algorithm == dns::alg::ed25519 || algorithm == dns::alg::ed448; }
bool is_ecdsa(std::uint8_t algorithm) {
    return algorithm == dns::alg::ecdsap256sha256 || algorithm == dns::alg::ecdsap384sha384;
}

const EVP_MD* digest_for(std::uint8_t algorithm) {
    return algorithm == dns::alg::ecdsap384sha384 ? EVP_sha384() : EVP_sha256();
}

// Hashes data with the algorithm's digest; returns the length.
unsigned int hash(std::uint8_t algorithm, std::span<const std::uint8_t> data, std::array<unsigned char, 64>& out) {
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, digest_for(algorithm), nullptr);
    return len;
}

Result<EvpPkey> public_from_params(const char* type, ParamBld& bld) {
    EvpPkey key = pkey_from_params(type, bld, EVP_PKEY_PUBLIC_KEY);
    if (!key) return fail(bad_input(fmt::format("invalid {} public key in DNSKEY", type)));
    return key;
}

Result<EvpPkey> public_pkey(const dns::Dnskey& key) {
    const dns::Bytes& pk = key.public_key;
    switch (key.algorithm) {
        case dns::alg::rsasha256: {
            // RFC 3110 §2.
            if (pk.size() < 3) return fail(bad_input("RSA public key too short"));
            std::size_t pos = 1, elen = pk[0];
            if (elen == 0) {
                elen = dns::read_u16(pk.data() + 1);
                pos = 3;
            }
            if (pos + elen >= pk.size()) return fail(bad_input("RSA public key too short"));
            Bignum e(BN_bin2bn(pk.data() + pos, static_cast<int>(elen), nullptr));
            Bignum n(BN_bin2bn(pk.data() + pos + elen, static_cast<int>(pk.size() - pos - elen), nullptr));
            ParamBld bld(OSSL_PARAM_BLD_new());
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
            return public_from_params("RSA", bld);
        }
        case dns::alg::ecdsap256sha256:
        case dns::alg::ecdsap384sha384: {
            bool p256 = key.algorithm == dns::alg::ecdsap256sha256;
            if (pk.size() != (p256 ? 64u : 96u)) return fail(bad_input("ECDSA public key has the wrong length"));
            dns::Bytes point{0x04};
            point.insert(point.end(), pk.begin(), pk.end());
            ParamBld bld(OSSL_PARAM_BLD_new());
            OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, p256 ? "prime256v1" : "secp384r1", 0);
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
            return public_from_params("EC", bld);
        }
        case dns::alg::ed25519:
        case dns::alg::ed448: {
            bool ed25519 = key.algorithm == dns::alg::ed25519;
            EvpPkey p(EVP_PKEY_new_raw_public_key(ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, nullptr, pk.data(), pk.size()));
            if (!p) return fail(bad_input("invalid EdDSA public key"));
            return p;
        }
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", key.algorithm)));
    }
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
    if (!ctx.pctx_ || EVP_PKEY_sign_init(ctx.pctx_.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.pctx_.get(), digest_for(ctx.algorithm_)) != 1) {
        return fail(internal_error(fmt::format("cannot set up signing with key {}: {}", key.tag(), openssl_error())));
    }
    if (is_ecdsa(ctx.algorithm_)) ctx.coordinate_size_ = ctx.algorithm_ == dns::alg::ecdsap256sha256 ? 32 : 48;
    return ctx;
}

Result<void> SigningContext::sign(std::span<const std::uint8_t> data, dns::Bytes& out) {
    if (is_eddsa(algorithm_)) {
        std::size_t len = 0;
        if (EVP_DigestSignInit(mdctx_.get(), nullptr, nullptr, nullptr, pkey_) != 1 ||
            EVP_DigestSign(mdctx_.get(), nullptr, &len, data.data(), data.size()) != 1) {
            return fail(internal_error(fmt::format("EdDSA signing failed: {}", openssl_error())));
        }
        std::size_t at = out.size();
        out.resize(at + len);
        if (EVP_DigestSign(mdctx_.get(), out.data() + at, &len, data.data(), data.size()) != 1) {
            return fail(internal_error(fmt::format("EdDSA signing failed: {}", openssl_error())));
        }
        out.resize(at + len);
        return {};
    }
    std::array<unsigned char, 64> digest{};
    unsigned int dlen = hash(algorithm_, data, digest);
    std::array<unsigned char, 1024> sig{};
    std::size_t siglen = sig.size();
    if (EVP_PKEY_sign(pctx_.get(), sig.data(), &siglen, digest.data(), dlen) != 1) {
        return fail(internal_error(fmt::format("signing failed: {}", openssl_error())));
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

Result<Verifier> Verifier::create(const dns::Dnskey& key) {
    auto pkey = public_pkey(key);
    if (!pkey) return fail(pkey.error());
    Verifier v(std::move(*pkey), key.algorithm);
    if (is_eddsa(v.algorithm_)) {
        v.mdctx_.reset(EVP_MD_CTX_new());
        return v;
    }
    v.pctx_.reset(EVP_PKEY_CTX_new(v.pkey_.get(), nullptr));
    if (!v.pctx_ || EVP_PKEY_verify_init(v.pctx_.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(v.pctx_.get(), digest_for(v.algorithm_)) != 1) {
        return fail(internal_error("cannot set up verification"));
    }
    return v;
}

bool Verifier::verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) {
    if (is_eddsa(algorithm_)) {
        return EVP_DigestVerifyInit(mdctx_.get(), nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
               EVP_DigestVerify(mdctx_.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
    }
    std::array<unsigned char, 64> digest{};
    unsigned int dlen = hash(algorithm_, data, digest);
    if (!is_ecdsa(algorithm_)) {
        return EVP_PKEY_verify(pctx_.get(), signature.data(), signature.size(), digest.data(), dlen) == 1;
    }
    std::size_t w = algorithm_ == dns::alg::ecdsap256sha256 ? 32 : 48;
    if (signature.size() != 2 * w) return false;
    EcdsaSig es(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(signature.data(), static_cast<int>(w), nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + w, static_cast<int>(w), nullptr);
    if (ECDSA_SIG_set0(es.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return false;
    }
    unsigned char* der = nullptr;
    int der_len = i2d_ECDSA_SIG(es.get(), &der);
    if (der_len <= 0) return false;
    bool ok = EVP_PKEY_verify(pctx_.get(), der, static_cast<std::size_t>(der_len), digest.data(), dlen) == 1;
    OPENSSL_free(der);
    return ok;
}

}  // namespace zw::signer
