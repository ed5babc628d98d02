#include "dns/verifier.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <algorithm>
#include <array>
#include <vector>

#include "dns/rdata.h"

namespace zw::dns {

namespace {

using EcdsaSig = std::unique_ptr<ECDSA_SIG, OsslFree<ECDSA_SIG_free>>;

bool is_eddsa(std::uint8_t algorithm) { return algorithm == alg::ed25519 || algorithm == alg::ed448; }
bool is_ecdsa(std::uint8_t algorithm) {
    return algorithm == alg::ecdsap256sha256 || algorithm == alg::ecdsap384sha384;
}

Result<EvpPkey> public_from_params(const char* type, ParamBld& bld) {
    EvpPkey key = pkey_from_params(type, bld, EVP_PKEY_PUBLIC_KEY);
    if (!key) return fail(bad_input(fmt::format("invalid {} public key in DNSKEY", type)));
    return key;
}

Result<EvpPkey> public_pkey(const Dnskey& key) {
    const Bytes& pk = key.public_key;
    switch (key.algorithm) {
        case alg::rsasha256: {
            // RFC 3110 §2.
            if (pk.size() < 3) return fail(bad_input("RSA public key too short"));
            std::size_t pos = 1, elen = pk[0];
            if (elen == 0) {
                elen = read_u16(pk.data() + 1);
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
        case alg::ecdsap256sha256:
        case alg::ecdsap384sha384: {
            bool p256 = key.algorithm == alg::ecdsap256sha256;
            if (pk.size() != (p256 ? 64u : 96u)) return fail(bad_input("ECDSA public key has the wrong length"));
            Bytes point{0x04};
            point.insert(point.end(), pk.begin(), pk.end());
            ParamBld bld(OSSL_PARAM_BLD_new());
            OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, p256 ? "prime256v1" : "secp384r1", 0);
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
            return public_from_params("EC", bld);
        }
        case alg::ed25519:
        case alg::ed448: {
            bool ed25519 = key.algorithm == alg::ed25519;
            EvpPkey p(EVP_PKEY_new_raw_public_key(ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, nullptr, pk.data(), pk.size()));
            if (!p) return fail(bad_input("invalid EdDSA public key"));
            return p;
        }
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", key.algorithm)));
    }
}

}  // namespace

Result<Verifier> Verifier::create(const Dnskey& key, EVP_PKEY* key_pair) {
    auto pkey = public_pkey(key);
    if (!pkey) return fail(pkey.error());
    Verifier v(std::move(*pkey), key, key_pair);
    v.mdctx_.reset(EVP_MD_CTX_new());
    if (!v.mdctx_) return fail(internal_error("out of memory"));
    if (is_eddsa(v.algorithm_)) return v;
    v.md_.reset(EVP_MD_fetch(nullptr, EVP_MD_get0_name(dnssec_digest(v.algorithm_)), nullptr));
    v.pctx_.reset(EVP_PKEY_CTX_new(v.pkey_.get(), nullptr));
    if (!v.md_ || !v.pctx_ || EVP_PKEY_verify_init(v.pctx_.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(v.pctx_.get(), dnssec_digest(v.algorithm_)) != 1) {
        return fail(internal_error("cannot set up verification"));
    }
    return v;
}

bool Verifier::digest(std::span<const std::uint8_t> data, std::array<unsigned char, 64>& out, unsigned& length) {
    return EVP_DigestInit_ex(mdctx_.get(), md_.get(), nullptr) == 1 &&
           EVP_DigestUpdate(mdctx_.get(), data.data(), data.size()) == 1 &&
           EVP_DigestFinal_ex(mdctx_.get(), out.data(), &length) == 1;
}

bool Verifier::use_table(std::size_t more) {
    if (algorithm_ != alg::ecdsap256sha256) return false;
    if (!table_ && ecdsa_p256_count_ <= table_after) {
        // Counted up to past the threshold only: a key whose table cannot be built
        // (nullptr) is not tried again.
        ecdsa_p256_count_ += more;
        if (ecdsa_p256_count_ > table_after) table_ = EcdsaKeyTable::build(public_key_, key_pair_);
    }
    return table_ != nullptr;
}

bool Verifier::verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) {
    if (!use_table(1)) return verify_evp(data, signature);
    Check check{data, signature};
    verify(std::span(&check, 1));
    return check.valid;
}

bool Verifier::verify_evp(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) {
    if (is_eddsa(algorithm_)) {
        return EVP_DigestVerifyInit(mdctx_.get(), nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
               EVP_DigestVerify(mdctx_.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
    }
    std::array<unsigned char, 64> hash{};
    unsigned int length = 0;
    if (!digest(data, hash, length)) return false;
    if (!is_ecdsa(algorithm_)) {
        return EVP_PKEY_verify(pctx_.get(), signature.data(), signature.size(), hash.data(), length) == 1;
    }
    return verify_ecdsa(std::span(hash).first(length), signature);
}

void Verifier::verify(std::span<Check> checks) {
    if (!use_table(checks.size())) {
        for (Check& c : checks) c.valid = verify_evp(c.data, c.signature);
        return;
    }
    std::vector<EcdsaKeyTable::Check> batch(checks.size());
    for (std::size_t i = 0; i < checks.size(); ++i) {
        std::array<unsigned char, 64> hash{};
        unsigned int length = 0;
        if (!digest(checks[i].data, hash, length)) batch[i].signature = {};  // fails the length check
        else batch[i].signature = checks[i].signature;
        std::copy_n(hash.begin(), batch[i].digest.size(), batch[i].digest.begin());
    }
    table_->verify(batch);
    for (std::size_t i = 0; i < checks.size(); ++i) checks[i].valid = batch[i].valid;
}

bool Verifier::verify_ecdsa(std::span<const std::uint8_t> digest, std::span<const std::uint8_t> signature) {
    std::size_t w = algorithm_ == alg::ecdsap256sha256 ? 32 : 48;
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
    bool ok = EVP_PKEY_verify(pctx_.get(), der, static_cast<std::size_t>(der_len), digest.data(), digest.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

}  // namespace zw::dns
