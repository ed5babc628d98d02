// SigningContext on OpenSSL 3 EVP, with ECDSA's setup values made in batches where the
// fast path is built (ecdsa_batch_signer.h).
#include <fmt/format.h>
#include <openssl/ec.h>

#include <array>

#include "dns/openssl.h"
#include "signer/crypto.h"
#include "signer/ecdsa_batch_signer.h"

namespace zw::signer {

namespace {

using EcdsaSig = std::unique_ptr<ECDSA_SIG, dns::OsslFree<ECDSA_SIG_free>>;
using Md = std::unique_ptr<EVP_MD, dns::OsslFree<EVP_MD_free>>;

// EdDSA: one-shot DigestSign per message (RFC 8032's "pure" schemes hash inside), on a
// context set up with the key once and re-initialised without it for each message, which
// keeps the provider's key and algorithm instead of fetching them again.
class EddsaSigner final : public SigningContext::Backend {
  public:
    explicit EddsaSigner(EVP_PKEY* pkey) : mdctx_(EVP_MD_CTX_new()) {
        ready_ = mdctx_ && EVP_DigestSignInit(mdctx_.get(), nullptr, nullptr, nullptr, pkey) == 1;
    }
    [[nodiscard]] bool ready() const { return ready_; }
    Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out) override {
        std::size_t len = 0;
        if (EVP_DigestSignInit(mdctx_.get(), nullptr, nullptr, nullptr, nullptr) != 1 ||
            EVP_DigestSign(mdctx_.get(), nullptr, &len, data.data(), data.size()) != 1) {
            return fail(
                internal_error(fmt::format("EdDSA signing failed: {}", dns::openssl_error())));
        }
        const std::size_t at = out.size();
        out.resize(at + len);
        if (EVP_DigestSign(mdctx_.get(), out.data() + at, &len, data.data(), data.size()) != 1) {
            out.resize(at);
            return fail(
                internal_error(fmt::format("EdDSA signing failed: {}", dns::openssl_error())));
        }
        out.resize(at + len);
        return {};
    }

  private:
    dns::EvpMdCtx mdctx_;  // holds a reference to the key
    bool ready_ = false;
};

// RSA and ECDSA: the digest, then EVP_PKEY_sign on it with a context initialised once.
class DigestSigner final : public SigningContext::Backend {
  public:
    static Result<std::unique_ptr<SigningContext::Backend>> create(const KeyPair& key,
                                                                   dns::OpensslEcPath path) {
        auto s = std::unique_ptr<DigestSigner>(new DigestSigner(key.algorithm()));
        const EVP_MD* md = dns::dnssec_digest(key.algorithm());
        s->pctx_.reset(EVP_PKEY_CTX_new(key.pkey(), nullptr));
        s->mdctx_.reset(EVP_MD_CTX_new());
        // Fetched once: OpenSSL 3.0 looks an implicitly named digest up under a global lock
        // on every EVP_Digest call, which made two signing threads slower than one.
        s->md_.reset(EVP_MD_fetch(nullptr, EVP_MD_get0_name(md), nullptr));
        if (!s->pctx_ || !s->mdctx_ || !s->md_ || EVP_PKEY_sign_init(s->pctx_.get()) != 1 ||
            EVP_PKEY_CTX_set_signature_md(s->pctx_.get(), md) != 1) {
            return fail(internal_error(fmt::format("cannot set up signing with key {}: {}",
                                                   key.tag(), dns::openssl_error())));
        }
        if (s->ecdsa() && path == dns::OpensslEcPath::fast_if_built)
            s->batch_ = EcdsaBatchSigner::create(key.pkey());
        return std::unique_ptr<SigningContext::Backend>(std::move(s));
    }

    Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out) override {
        std::array<unsigned char, 64> digest{};
        unsigned int dlen = 0;
        if (EVP_DigestInit_ex(mdctx_.get(), md_.get(), nullptr) != 1 ||
            EVP_DigestUpdate(mdctx_.get(), data.data(), data.size()) != 1 ||
            EVP_DigestFinal_ex(mdctx_.get(), digest.data(), &dlen) != 1) {
            return fail(internal_error(fmt::format("digest failed: {}", dns::openssl_error())));
        }
        if (batch_) {
            if (!batch_->sign(std::span(digest).first(dlen), out)) {
                return fail(
                    internal_error(fmt::format("signing failed: {}", dns::openssl_error())));
            }
            return {};
        }
        std::array<unsigned char, 1024> sig{};
        std::size_t siglen = sig.size();
        if (EVP_PKEY_sign(pctx_.get(), sig.data(), &siglen, digest.data(), dlen) != 1) {
            return fail(internal_error(fmt::format("signing failed: {}", dns::openssl_error())));
        }
        if (!ecdsa()) {
            out.insert(out.end(), sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(siglen));
            return {};
        }
        // OpenSSL returns DER; RFC 6605 §4 wants r and s as fixed-width big-endian integers.
        const unsigned char* p = sig.data();
        EcdsaSig es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(siglen)));
        if (!es) return fail(internal_error("malformed ECDSA signature from OpenSSL"));
        const int w = algorithm_ == dns::alg::ecdsap256sha256 ? 32 : 48;
        const std::size_t at = out.size();
        out.resize(at + 2 * static_cast<std::size_t>(w));
        if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), out.data() + at, w) != w ||
            BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), out.data() + at + w, w) != w) {
            out.resize(at);
            return fail(internal_error("ECDSA signature does not fit"));
        }
        return {};
    }

  private:
    explicit DigestSigner(std::uint8_t algorithm) : algorithm_(algorithm) {}
    [[nodiscard]] bool ecdsa() const {
        return algorithm_ == dns::alg::ecdsap256sha256 || algorithm_ == dns::alg::ecdsap384sha384;
    }
    std::uint8_t algorithm_;
    dns::EvpPkeyCtx pctx_;
    dns::EvpMdCtx mdctx_;
    Md md_;
    std::unique_ptr<EcdsaBatchSigner> batch_;  // ECDSA with the fast path: setup values in batches
};

}  // namespace

Result<std::unique_ptr<SigningContext::Backend>> make_openssl_signer(const KeyPair& key,
                                                                     dns::OpensslEcPath path) {
    switch (key.algorithm()) {
        case dns::alg::ed25519:
        case dns::alg::ed448: {
            auto s = std::make_unique<EddsaSigner>(key.pkey());
            if (!s->ready()) {
                return fail(internal_error(fmt::format("cannot set up signing with key {}: {}",
                                                       key.tag(), dns::openssl_error())));
            }
            return std::unique_ptr<SigningContext::Backend>(std::move(s));
        }
        case dns::alg::rsasha256:
        case dns::alg::ecdsap256sha256:
        case dns::alg::ecdsap384sha384:
            return DigestSigner::create(key, path);
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", key.algorithm())));
    }
}

}  // namespace zw::signer
