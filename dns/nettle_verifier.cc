// dns::Verifier on Nettle: RSA PKCS #1 v1.5 with SHA-256 (RFC 5702), ECDSA P-256 and
// P-384 (RFC 6605) and Ed25519 and Ed448 (RFC 8080), from the DNSKEY's public key.
#include <fmt/format.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>

#include <array>

#include "dns/nettle.h"
#include "dns/verifier_backends.h"

namespace zw::dns {

namespace {

// SHA-256 or SHA-384 of data into out; the digest's length.
std::size_t nettle_digest(std::uint8_t algorithm, std::span<const std::uint8_t> data,
                          std::array<std::uint8_t, 48>& out) {
    if (algorithm == alg::ecdsap384sha384) {
        sha384_ctx c;
        sha384_init(&c);
        sha384_update(&c, data.size(), data.data());
        sha384_digest(&c, SHA384_DIGEST_SIZE, out.data());
        return SHA384_DIGEST_SIZE;
    }
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data.size(), data.data());
    sha256_digest(&c, SHA256_DIGEST_SIZE, out.data());
    return SHA256_DIGEST_SIZE;
}

void mpz_from_octets(mpz_t out, std::span<const std::uint8_t> octets) {
    mpz_import(out, octets.size(), 1, 1, 1, 0, octets.data());
}

class RsaVerifier final : public Verifier::Backend {
  public:
    RsaVerifier() {
        rsa_public_key_init(&key_);
        mpz_init(signature_);
    }
    ~RsaVerifier() override {
        rsa_public_key_clear(&key_);
        mpz_clear(signature_);
    }
    RsaVerifier(const RsaVerifier&) = delete;
    RsaVerifier& operator=(const RsaVerifier&) = delete;

    Result<void> set(const Bytes& field) {
        auto parts = split_rsa_public_key(field);
        if (!parts) return fail(parts.error());
        mpz_from_octets(key_.e, parts->exponent);
        mpz_from_octets(key_.n, parts->modulus);
        if (rsa_public_key_prepare(&key_) != 1)
            return fail(bad_input("invalid RSA public key in DNSKEY"));
        return {};
    }

    bool verify(std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> signature) override {
        // RFC 3110 §3 and RFC 8017 §8.2.2: the signature is exactly as long as the modulus.
        if (signature.size() != key_.size) return false;
        std::array<std::uint8_t, 48> digest{};
        nettle_digest(alg::rsasha256, data, digest);
        mpz_from_octets(signature_, signature);
        return rsa_sha256_verify_digest(&key_, digest.data(), signature_) == 1;
    }

  private:
    rsa_public_key key_;
    mpz_t signature_;
};

class EcdsaVerifier final : public Verifier::Backend {
  public:
    explicit EcdsaVerifier(std::uint8_t algorithm)
        : algorithm_(algorithm),
          curve_(nettle_curve(algorithm)),
          size_(static_cast<std::size_t>(ecc_size(curve_))) {
        ecc_point_init(&point_, curve_);
        r_.resize(size_);
        s_.resize(size_);
        scratch_.resize(static_cast<std::size_t>(ecc_ecdsa_verify_itch(curve_)));
    }
    ~EcdsaVerifier() override { ecc_point_clear(&point_); }
    EcdsaVerifier(const EcdsaVerifier&) = delete;
    EcdsaVerifier& operator=(const EcdsaVerifier&) = delete;

    Result<void> set(const Bytes& field) {
        const std::size_t w = width();
        if (field.size() != 2 * w) return fail(bad_input("ECDSA public key has the wrong length"));
        mpz_t x, y;
        mpz_init(x);
        mpz_init(y);
        mpz_from_octets(x, std::span(field).first(w));
        mpz_from_octets(y, std::span(field).subspan(w));
        const bool on_curve = ecc_point_set(&point_, x, y) == 1;  // refuses a point off the curve
        mpz_clear(x);
        mpz_clear(y);
        if (!on_curve) return fail(bad_input("invalid EC public key in DNSKEY"));
        return {};
    }

    bool verify(std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> signature) override {
        const std::size_t w = width();
        if (signature.size() != 2 * w) return false;
        std::array<std::uint8_t, 48> digest{};
        const std::size_t length = nettle_digest(algorithm_, data, digest);
        limbs_from_octets(signature.first(w), r_);
        limbs_from_octets(signature.subspan(w), s_);
        // ecc_ecdsa_verify refuses r and s outside [1, n-1] itself.
        return ecc_ecdsa_verify(curve_, point_.p, length, digest.data(), r_.data(), s_.data(),
                                scratch_.data()) == 1;
    }

  private:
    std::size_t width() const { return algorithm_ == alg::ecdsap256sha256 ? 32 : 48; }
    std::uint8_t algorithm_;
    const ecc_curve* curve_;
    std::size_t size_;
    ecc_point point_;
    Limbs r_, s_, scratch_;
};

class EddsaVerifier final : public Verifier::Backend {
  public:
    EddsaVerifier(std::uint8_t algorithm, const Bytes& public_key)
        : ed25519_(algorithm == alg::ed25519), public_key_(public_key) {}
    bool verify(std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> signature) override {
        if (signature.size() != (ed25519_ ? ED25519_SIGNATURE_SIZE : ED448_SIGNATURE_SIZE))
            return false;
        return (ed25519_ ? ed25519_sha512_verify(public_key_.data(), data.size(), data.data(),
                                                 signature.data())
                         : ed448_shake256_verify(public_key_.data(), data.size(), data.data(),
                                                 signature.data())) == 1;
    }

  private:
    bool ed25519_;
    Bytes public_key_;
};

}  // namespace

Result<std::unique_ptr<Verifier::Backend>> make_nettle_verifier(const Dnskey& key) {
    switch (key.algorithm) {
        case alg::rsasha256: {
            auto v = std::make_unique<RsaVerifier>();
            if (auto ok = v->set(key.public_key); !ok) return fail(ok.error());
            return std::unique_ptr<Verifier::Backend>(std::move(v));
        }
        case alg::ecdsap256sha256:
        case alg::ecdsap384sha384: {
            auto v = std::make_unique<EcdsaVerifier>(key.algorithm);
            if (auto ok = v->set(key.public_key); !ok) return fail(ok.error());
            return std::unique_ptr<Verifier::Backend>(std::move(v));
        }
        case alg::ed25519:
        case alg::ed448: {
            const std::size_t size =
                key.algorithm == alg::ed25519 ? ED25519_KEY_SIZE : ED448_KEY_SIZE;
            if (key.public_key.size() != size) return fail(bad_input("invalid EdDSA public key"));
            return std::unique_ptr<Verifier::Backend>(
                std::make_unique<EddsaVerifier>(key.algorithm, key.public_key));
        }
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", key.algorithm)));
    }
}

}  // namespace zw::dns
