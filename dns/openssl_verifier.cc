// dns::Verifier on OpenSSL: EVP for every algorithm, for a busy P-256 key a table of
// multiples of its public key (ecdsa_key_table.h), and EdDSA in batches (eddsa_batch.h).
#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <array>
#include <vector>

#include "dns/ecdsa_key_table.h"
#include "dns/eddsa_batch.h"
#include "dns/openssl.h"
#include "dns/rdata.h"
#include "dns/verifier_backends.h"

namespace zw::dns {

namespace {

using EcdsaSig = std::unique_ptr<ECDSA_SIG, OsslFree<ECDSA_SIG_free>>;
using Md = std::unique_ptr<EVP_MD, OsslFree<EVP_MD_free>>;

Result<EvpPkey> public_from_params(const char* type, ParamBld& bld) {
    EvpPkey key = pkey_from_params(type, bld, EVP_PKEY_PUBLIC_KEY);
    if (!key) return fail(bad_input(fmt::format("invalid {} public key in DNSKEY", type)));
    return key;
}

Result<EvpPkey> public_pkey(const Dnskey& key) {
    const Bytes& pk = key.public_key;
    switch (key.algorithm) {
        case alg::rsasha256: {
            auto parts = split_rsa_public_key(pk);
            if (!parts) return fail(parts.error());
            Bignum e(BN_bin2bn(parts->exponent.data(), static_cast<int>(parts->exponent.size()),
                               nullptr));
            Bignum n(
                BN_bin2bn(parts->modulus.data(), static_cast<int>(parts->modulus.size()), nullptr));
            ParamBld bld(OSSL_PARAM_BLD_new());
            if (!e || !n || !bld) return fail(internal_error("out of memory"));
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
            return public_from_params("RSA", bld);
        }
        case alg::ecdsap256sha256:
        case alg::ecdsap384sha384: {
            bool p256 = key.algorithm == alg::ecdsap256sha256;
            if (pk.size() != (p256 ? 64u : 96u))
                return fail(bad_input("ECDSA public key has the wrong length"));
            Bytes point{0x04};
            point.insert(point.end(), pk.begin(), pk.end());
            ParamBld bld(OSSL_PARAM_BLD_new());
            if (!bld) return fail(internal_error("out of memory"));
            OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                            p256 ? "prime256v1" : "secp384r1", 0);
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                             point.size());
            return public_from_params("EC", bld);
        }
        case alg::ed25519:
        case alg::ed448: {
            bool ed25519 = key.algorithm == alg::ed25519;
            EvpPkey p(EVP_PKEY_new_raw_public_key(ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448,
                                                  nullptr, pk.data(), pk.size()));
            if (!p) return fail(bad_input("invalid EdDSA public key"));
            return p;
        }
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", key.algorithm)));
    }
}

// EdDSA: one-shot DigestVerify over the message. The context is set up with the key once;
// each message then re-initialises it without the key (EVP_DigestVerifyInit with NULLs),
// which keeps the provider's key and algorithm instead of fetching them again. Many
// signatures at once are verified together (eddsa_batch.h), and one by one only when the
// batch does not verify, so that every refusal is OpenSSL's.
class EddsaVerifier final : public Verifier::Backend {
  public:
    EddsaVerifier(EvpPkey pkey, const Dnskey& key)
        : pkey_(std::move(pkey)), mdctx_(EVP_MD_CTX_new()) {
        ready_ = mdctx_ &&
                 EVP_DigestVerifyInit(mdctx_.get(), nullptr, nullptr, nullptr, pkey_.get()) == 1;
        batch_ = EddsaBatchVerifier::create(key.algorithm, key.public_key);
    }
    [[nodiscard]] bool ready() const { return ready_; }
    bool verify(std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> signature) override {
        return EVP_DigestVerifyInit(mdctx_.get(), nullptr, nullptr, nullptr, nullptr) == 1 &&
               EVP_DigestVerify(mdctx_.get(), signature.data(), signature.size(), data.data(),
                                data.size()) == 1;
    }
    void verify(std::span<Verifier::Check> checks) override {
        for (std::size_t at = 0; at < checks.size(); at += EddsaBatchVerifier::max_batch) {
            auto part =
                checks.subspan(at, std::min(EddsaBatchVerifier::max_batch, checks.size() - at));
            const bool all = batch_ && part.size() > 1 && batch_->verify_all(part);
            for (auto& c : part) c.valid = all || verify(c.data, c.signature);
        }
    }

  private:
    EvpPkey pkey_;
    EvpMdCtx mdctx_;
    bool ready_ = false;
    std::unique_ptr<EddsaBatchVerifier> batch_;  // when the key decodes
};

// RSA and ECDSA: the digest, then EVP_PKEY_verify on it; P-256 moves to its table once
// the key has signed enough to pay for it.
class DigestVerifier final : public Verifier::Backend {
  public:
    static Result<std::unique_ptr<Verifier::Backend>> create(EvpPkey pkey, const Dnskey& key,
                                                             OpensslEcPath path) {
        auto v = std::unique_ptr<DigestVerifier>(new DigestVerifier(std::move(pkey), key, path));
        // Fetched once: an implicitly fetched digest is looked up under OpenSSL's global lock
        // on every call, which serialises verifying threads.
        v->md_.reset(
            EVP_MD_fetch(nullptr, EVP_MD_get0_name(dnssec_digest(key.algorithm)), nullptr));
        v->mdctx_.reset(EVP_MD_CTX_new());
        v->pctx_.reset(EVP_PKEY_CTX_new(v->pkey_.get(), nullptr));
        if (!v->md_ || !v->mdctx_ || !v->pctx_ || EVP_PKEY_verify_init(v->pctx_.get()) != 1 ||
            EVP_PKEY_CTX_set_signature_md(v->pctx_.get(), dnssec_digest(key.algorithm)) != 1) {
            return fail(internal_error("cannot set up verification"));
        }
        return std::unique_ptr<Verifier::Backend>(std::move(v));
    }

    bool verify(std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> signature) override {
        if (!use_table(1)) return verify_evp(data, signature);
        Verifier::Check check{data, signature};
        verify_with_table(std::span(&check, 1));
        return check.valid;
    }

    void verify(std::span<Verifier::Check> checks) override {
        if (!use_table(checks.size())) {
            for (auto& c : checks) c.valid = verify_evp(c.data, c.signature);
            return;
        }
        verify_with_table(checks);
    }

  private:
    DigestVerifier(EvpPkey pkey, const Dnskey& key, OpensslEcPath path)
        : pkey_(std::move(pkey)),
          algorithm_(key.algorithm),
          public_key_(key.public_key),
          path_(path) {}

    bool digest(std::span<const std::uint8_t> data, std::array<unsigned char, 64>& out,
                unsigned& length) {
        return EVP_DigestInit_ex(mdctx_.get(), md_.get(), nullptr) == 1 &&
               EVP_DigestUpdate(mdctx_.get(), data.data(), data.size()) == 1 &&
               EVP_DigestFinal_ex(mdctx_.get(), out.data(), &length) == 1;
    }

    // Counts P-256 verifications and builds the table when they pass p256_table_after; true
    // when the table is there.
    bool use_table(std::size_t more) {
        if (algorithm_ != alg::ecdsap256sha256 || path_ == OpensslEcPath::evp_only) return false;
        if (!table_ && p256_count_ <= p256_table_after) {
            // Counted up to past the threshold only: a key whose table cannot be built
            // (nullptr, as without OpenSSL's deprecated EC API) is not tried again.
            p256_count_ += more;
            if (p256_count_ > p256_table_after) table_ = EcdsaKeyTable::build(public_key_);
        }
        return table_ != nullptr;
    }

    void verify_with_table(std::span<Verifier::Check> checks) {
        std::vector<EcdsaKeyTable::Check> batch(checks.size());
        for (std::size_t i = 0; i < checks.size(); ++i) {
            std::array<unsigned char, 64> hash{};
            unsigned int length = 0;
            if (!digest(checks[i].data, hash, length))
                batch[i].signature = {};  // fails the length check
            else
                batch[i].signature = checks[i].signature;
            std::copy_n(hash.begin(), batch[i].digest.size(), batch[i].digest.begin());
        }
        table_->verify(batch);
        for (std::size_t i = 0; i < checks.size(); ++i) checks[i].valid = batch[i].valid;
    }

    bool verify_evp(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) {
        std::array<unsigned char, 64> hash{};
        unsigned int length = 0;
        if (!digest(data, hash, length)) return false;
        if (algorithm_ == alg::rsasha256) {
            return EVP_PKEY_verify(pctx_.get(), signature.data(), signature.size(), hash.data(),
                                   length) == 1;
        }
        return verify_ecdsa(std::span(hash).first(length), signature);
    }

    // RFC 6605 §4 r|s, as the DER OpenSSL verifies.
    bool verify_ecdsa(std::span<const std::uint8_t> digest,
                      std::span<const std::uint8_t> signature) {
        const std::size_t w = algorithm_ == alg::ecdsap256sha256 ? 32 : 48;
        if (signature.size() != 2 * w) return false;
        EcdsaSig es(ECDSA_SIG_new());
        BIGNUM* r = BN_bin2bn(signature.data(), static_cast<int>(w), nullptr);
        BIGNUM* s = BN_bin2bn(signature.data() + w, static_cast<int>(w), nullptr);
        if (!es || ECDSA_SIG_set0(es.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            return false;
        }
        unsigned char* der = nullptr;
        const int der_len = i2d_ECDSA_SIG(es.get(), &der);
        if (der_len <= 0) return false;
        const bool ok = EVP_PKEY_verify(pctx_.get(), der, static_cast<std::size_t>(der_len),
                                        digest.data(), digest.size()) == 1;
        OPENSSL_free(der);
        return ok;
    }

    EvpPkey pkey_;
    std::uint8_t algorithm_;
    Bytes public_key_;
    OpensslEcPath path_;
    EvpPkeyCtx pctx_;
    EvpMdCtx mdctx_;
    Md md_;
    std::size_t p256_count_ = 0;
    std::unique_ptr<EcdsaKeyTable> table_;
};

}  // namespace

Result<std::unique_ptr<Verifier::Backend>> make_openssl_verifier(const Dnskey& key,
                                                                 OpensslEcPath path) {
    auto pkey = public_pkey(key);
    if (!pkey) return fail(pkey.error());
    if (key.algorithm == alg::ed25519 || key.algorithm == alg::ed448) {
        auto v = std::make_unique<EddsaVerifier>(std::move(*pkey), key);
        if (!v->ready())
            return fail(
                internal_error(fmt::format("cannot set up verification: {}", openssl_error())));
        return std::unique_ptr<Verifier::Backend>(std::move(v));
    }
    return DigestVerifier::create(std::move(*pkey), key, path);
}

}  // namespace zw::dns
