// SigningContext on Nettle: ECDSA P-256 and P-384 (RFC 6605), Ed25519 and Ed448
// (RFC 8080) and RSA PKCS #1 v1.5 with SHA-256 (RFC 5702). The private key is copied out of
// OpenSSL into Nettle's form once per context and wiped when the context goes; GMP wipes
// the blocks it frees (dns/nettle.h), which covers Nettle's temporaries in GMP numbers.
#include <fmt/format.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dns/nettle.h"
#include "dns/openssl.h"
#include "signer/crypto.h"

namespace zw::signer {

namespace {

using dns::Limbs;

// Fixed-width big-endian octets of a secret BIGNUM parameter of the key, in a buffer the
// caller wipes.
Result<dns::Bytes> secret_param(EVP_PKEY* pkey, const char* name, int width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) {
        return fail(internal_error(fmt::format("the private key has no {}", name)));
    }
    dns::Bignum value(raw);  // cleared when freed
    dns::Bytes out(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(value.get())));
    if (BN_bn2binpad(value.get(), out.data(), static_cast<int>(out.size())) !=
        static_cast<int>(out.size())) {
        dns::wipe(out.data(), out.size());
        return fail(internal_error(fmt::format("the private key's {} does not fit", name)));
    }
    return out;
}

// Nettle's randomness callback for RSA blinding: OpenSSL's private DRBG (seeded from the
// operating system), or the kernel's own generator should that ever fail. Nettle's blinding
// loops until it draws a usable number, so handing it nothing is not an option.
void blinding_random(void*, std::size_t length, std::uint8_t* out) {
    if (RAND_priv_bytes(out, static_cast<int>(length)) == 1) return;
    for (std::size_t done = 0; done < length;) {
        const ssize_t n = getrandom(out + done, length - done, 0);
        if (n <= 0) {
            std::fputs("zonewarden: no random numbers from OpenSSL or the kernel\n", stderr);
            std::abort();
        }
        done += static_cast<std::size_t>(n);
    }
}

class EcdsaSigner final : public SigningContext::Backend {
  public:
    static Result<std::unique_ptr<SigningContext::Backend>> create(const KeyPair& key) {
        auto s = std::unique_ptr<EcdsaSigner>(new EcdsaSigner(key.algorithm()));
        dns::EcGroup group(
            EC_GROUP_new_by_curve_name(s->p256_ ? NID_X9_62_prime256v1 : NID_secp384r1));
        if (!group || BN_bn2binpad(EC_GROUP_get0_order(group.get()), s->order_.data(),
                                   s->width()) != s->width()) {
            return fail(internal_error("cannot read the curve's order"));
        }
        auto d = secret_param(key.pkey(), OSSL_PKEY_PARAM_PRIV_KEY, s->width());
        if (!d) return fail(d.error());
        const bool in_range = s->in_range(*d);
        dns::limbs_from_octets(*d, s->d_);
        dns::wipe(d->data(), d->size());
        if (!in_range)
            return fail(
                bad_input(fmt::format("the private key of key {} is out of range", key.tag())));
        return std::unique_ptr<SigningContext::Backend>(std::move(s));
    }
    ~EcdsaSigner() override {
        dns::wipe(d_);
        dns::wipe(k_);
        dns::wipe(scratch_);
    }
    EcdsaSigner(const EcdsaSigner&) = delete;
    EcdsaSigner& operator=(const EcdsaSigner&) = delete;

    Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out) override {
        std::array<std::uint8_t, SHA384_DIGEST_SIZE> digest{};
        std::size_t length = 0;
        if (p256_) {
            sha256_ctx c;
            sha256_init(&c);
            sha256_update(&c, data.size(), data.data());
            sha256_digest(&c, length = SHA256_DIGEST_SIZE, digest.data());
        } else {
            sha384_ctx c;
            sha384_init(&c);
            sha384_update(&c, data.size(), data.data());
            sha384_digest(&c, length = SHA384_DIGEST_SIZE, digest.data());
        }
        // r or s = 0 happens with probability about 2^-256: a new nonce then.
        for (int attempt = 0; attempt < 4; ++attempt) {
            if (!draw_nonce()) return fail(internal_error("no random numbers for an ECDSA nonce"));
            ecc_ecdsa_sign(curve_, d_.data(), k_.data(), length, digest.data(), r_.data(),
                           s_.data(), scratch_.data());
            dns::wipe(k_);
            dns::wipe(scratch_);
            if (zero(r_) || zero(s_)) continue;
            const auto w = static_cast<std::size_t>(width());
            const std::size_t at = out.size();
            out.resize(at + 2 * w);
            dns::octets_from_limbs(r_, std::span(out).subspan(at, w));
            dns::octets_from_limbs(s_, std::span(out).subspan(at + w, w));
            return {};
        }
        return fail(internal_error("ECDSA signing gave r or s = 0 four times"));
    }

  private:
    explicit EcdsaSigner(std::uint8_t algorithm)
        : p256_(algorithm == dns::alg::ecdsap256sha256), curve_(dns::nettle_curve(algorithm)) {
        const auto size = static_cast<std::size_t>(ecc_size(curve_));
        for (Limbs* l : {&d_, &k_, &r_, &s_}) l->resize(size);
        scratch_.resize(static_cast<std::size_t>(ecc_ecdsa_sign_itch(curve_)));
    }
    [[nodiscard]] int width() const { return p256_ ? 32 : 48; }
    [[nodiscard]] static bool zero(const Limbs& l) {
        return std::all_of(l.begin(), l.end(), [](mp_limb_t v) { return v == 0; });
    }
    // 1 <= value < n, for fixed-width big-endian octets (a byte order comparison is the
    // numeric one).
    [[nodiscard]] bool in_range(std::span<const std::uint8_t> value) const {
        const auto w = static_cast<std::size_t>(width());
        const bool nonzero =
            std::any_of(value.begin(), value.end(), [](std::uint8_t b) { return b != 0; });
        return value.size() == w && nonzero && std::memcmp(value.data(), order_.data(), w) < 0;
    }
    // The nonce k, uniform in [1, n-1] by rejection (as FIPS 186-4 B.5.2 and OpenSSL's own
    // setup draw it), from OpenSSL's private DRBG. For both curves a draw is rejected with
    // probability below 2^-32.
    bool draw_nonce() {
        std::array<std::uint8_t, 48> bytes{};
        const auto w = static_cast<std::size_t>(width());
        bool ok = false;
        for (int attempt = 0; attempt < 64 && !ok; ++attempt) {
            if (RAND_priv_bytes(bytes.data(), width()) != 1) break;
            ok = in_range(std::span(bytes).first(w));
        }
        if (ok) dns::limbs_from_octets(std::span(bytes).first(w), k_);
        dns::wipe(bytes.data(), bytes.size());
        return ok;
    }

    bool p256_;
    const ecc_curve* curve_;
    std::array<std::uint8_t, 48> order_{};  // n, big-endian, width() octets
    Limbs d_, k_, r_, s_, scratch_;         // d, k and scratch are secret
};

class EddsaSigner final : public SigningContext::Backend {
  public:
    static Result<std::unique_ptr<SigningContext::Backend>> create(const KeyPair& key) {
        auto s =
            std::unique_ptr<EddsaSigner>(new EddsaSigner(key.algorithm() == dns::alg::ed25519));
        const std::size_t size = s->ed25519_ ? ED25519_KEY_SIZE : ED448_KEY_SIZE;
        std::size_t len = s->seed_.size();
        if (EVP_PKEY_get_raw_private_key(key.pkey(), s->seed_.data(), &len) != 1 || len != size) {
            return fail(
                internal_error(fmt::format("cannot read the private key of key {}", key.tag())));
        }
        if (s->ed25519_)
            ed25519_sha512_public_key(s->public_.data(), s->seed_.data());
        else
            ed448_shake256_public_key(s->public_.data(), s->seed_.data());
        // Nettle signs with the public key it is handed: it must be the one derived here.
        const auto& published = key.dnskey().public_key;
        if (published.size() != size ||
            !std::equal(published.begin(), published.end(), s->public_.begin())) {
            return fail(bad_input(
                fmt::format("the private key of key {} does not belong to its DNSKEY", key.tag())));
        }
        return std::unique_ptr<SigningContext::Backend>(std::move(s));
    }
    ~EddsaSigner() override { dns::wipe(seed_.data(), seed_.size()); }
    EddsaSigner(const EddsaSigner&) = delete;
    EddsaSigner& operator=(const EddsaSigner&) = delete;

    Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out) override {
        const std::size_t at = out.size();
        if (ed25519_) {
            out.resize(at + ED25519_SIGNATURE_SIZE);
            ed25519_sha512_sign(public_.data(), seed_.data(), data.size(), data.data(),
                                out.data() + at);
        } else {
            out.resize(at + ED448_SIGNATURE_SIZE);
            ed448_shake256_sign(public_.data(), seed_.data(), data.size(), data.data(),
                                out.data() + at);
        }
        return {};
    }

  private:
    explicit EddsaSigner(bool ed25519) : ed25519_(ed25519) {}
    bool ed25519_;
    std::array<std::uint8_t, ED448_KEY_SIZE> seed_{};  // the RFC 8032 private key
    std::array<std::uint8_t, ED448_KEY_SIZE> public_{};
};

class RsaSigner final : public SigningContext::Backend {
  public:
    static Result<std::unique_ptr<SigningContext::Backend>> create(const KeyPair& key) {
        dns::wipe_gmp_memory_on_free();
        auto s = std::unique_ptr<RsaSigner>(new RsaSigner());
        struct Part {
            const char* name;
            mpz_ptr into;
        };
        const Part parts[] = {
            {OSSL_PKEY_PARAM_RSA_N, s->public_.n},
            {OSSL_PKEY_PARAM_RSA_E, s->public_.e},
            {OSSL_PKEY_PARAM_RSA_D, s->private_.d},
            {OSSL_PKEY_PARAM_RSA_FACTOR1, s->private_.p},
            {OSSL_PKEY_PARAM_RSA_FACTOR2, s->private_.q},
            {OSSL_PKEY_PARAM_RSA_EXPONENT1, s->private_.a},
            {OSSL_PKEY_PARAM_RSA_EXPONENT2, s->private_.b},
            {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, s->private_.c},
        };
        for (const Part& part : parts) {
            auto octets = secret_param(key.pkey(), part.name, 0);
            if (!octets) return fail(octets.error());
            mpz_import(part.into, octets->size(), 1, 1, 1, 0, octets->data());
            dns::wipe(octets->data(), octets->size());
        }
        if (rsa_public_key_prepare(&s->public_) != 1 ||
            rsa_private_key_prepare(&s->private_) != 1) {
            return fail(bad_input(fmt::format("the RSA key {} is not usable", key.tag())));
        }
        return std::unique_ptr<SigningContext::Backend>(std::move(s));
    }
    ~RsaSigner() override {
        for (mpz_ptr z : {private_.d, private_.p, private_.q, private_.a, private_.b, private_.c})
            dns::wipe(z);
        rsa_private_key_clear(&private_);
        rsa_public_key_clear(&public_);
        mpz_clear(signature_);
    }
    RsaSigner(const RsaSigner&) = delete;
    RsaSigner& operator=(const RsaSigner&) = delete;

    Result<void> sign(std::span<const std::uint8_t> data, dns::Bytes& out) override {
        std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
        sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, data.size(), data.data());
        sha256_digest(&c, digest.size(), digest.data());
        // The _tr form blinds the exponentiation and checks the result against the public
        // key, so a fault in the CRT computation gives no signature rather than the key.
        if (rsa_sha256_sign_digest_tr(&public_, &private_, nullptr, blinding_random, digest.data(),
                                      signature_) != 1) {
            return fail(internal_error("RSA signing failed"));
        }
        // RFC 3110 §3: the signature is exactly as long as the modulus.
        const std::size_t k = public_.size, at = out.size();
        const std::size_t length = (mpz_sizeinbase(signature_, 2) + 7) / 8;
        if (length > k) return fail(internal_error("RSA signature does not fit"));
        out.resize(at + k, 0);
        std::size_t written = 0;
        mpz_export(out.data() + at + (k - length), &written, 1, 1, 1, 0, signature_);
        return {};
    }

  private:
    RsaSigner() {
        rsa_public_key_init(&public_);
        rsa_private_key_init(&private_);
        mpz_init(signature_);
    }
    rsa_public_key public_;
    rsa_private_key private_;
    mpz_t signature_;
};

}  // namespace

Result<std::unique_ptr<SigningContext::Backend>> make_nettle_signer(const KeyPair& key) {
    switch (key.algorithm()) {
        case dns::alg::ecdsap256sha256:
        case dns::alg::ecdsap384sha384:
            return EcdsaSigner::create(key);
        case dns::alg::ed25519:
        case dns::alg::ed448:
            return EddsaSigner::create(key);
        case dns::alg::rsasha256:
            return RsaSigner::create(key);
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", key.algorithm())));
    }
}

}  // namespace zw::signer
