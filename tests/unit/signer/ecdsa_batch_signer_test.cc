#include "signer/ecdsa_batch_signer.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/sha.h>

#include <set>

#include "dns/ecdsa_key_table.h"
#include "signer/key.h"

namespace zw::signer {
namespace {

// Verification straight through OpenSSL's EVP interface with the public key, so nothing
// of the signer (or of the zone self-check's key table) takes part.
bool evp_verifies(EVP_PKEY* key, std::span<const std::uint8_t> digest,
                  std::span<const std::uint8_t> signature) {
    const int w = static_cast<int>(signature.size() / 2);
    std::unique_ptr<ECDSA_SIG, dns::OsslFree<ECDSA_SIG_free>> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(signature.data(), w, nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + w, w, nullptr);
    if (ECDSA_SIG_set0(sig.get(), r, s) != 1) return false;
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    dns::EvpPkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    const bool ok = der_len > 0 && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_len),
                                    digest.data(), digest.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

std::array<std::uint8_t, 32> digest_of(std::size_t n) {
    std::array<std::uint8_t, 32> d{};
    SHA256(reinterpret_cast<const unsigned char*>(&n), sizeof n, d.data());
    return d;
}

KeyPair new_key(std::uint8_t algorithm) {
    return generate_key(dns::Name::from_text("example.test.").value(), algorithm, KeyRole::zsk, 0,
                        Instant{})
        .value();
}

// The batch signer exists only with the fast path (EcdsaBatchSigner::create is null
// without it, and the signer then signs one by one through EVP).
class EcdsaBatchSign : public ::testing::TestWithParam<std::uint8_t> {
  protected:
    void SetUp() override {
        if (!dns::openssl_ec_fast_path()) GTEST_SKIP() << "built without ZW_OPENSSL_EC_FAST_PATH";
    }
};

// 300 signatures run through batches of 1, 2, 4, ... 64 and then several full ones.
TEST_P(EcdsaBatchSign, EverySignatureVerifiesAndNoNonceRepeats) {
    auto key = new_key(GetParam());
    auto signer = EcdsaBatchSigner::create(key.pkey());
    ASSERT_NE(signer, nullptr);
    const std::size_t width = GetParam() == dns::alg::ecdsap256sha256 ? 32 : 48;
    std::set<dns::Bytes> r_values;
    for (std::size_t n = 0; n < 300; ++n) {
        auto digest = digest_of(n);
        dns::Bytes sig{0xAA};  // sign() appends
        ASSERT_TRUE(signer->sign(digest, sig));
        ASSERT_EQ(sig.size(), 1 + 2 * width);
        EXPECT_EQ(sig[0], 0xAA);
        auto rs = std::span<const std::uint8_t>(sig).subspan(1);
        EXPECT_TRUE(evp_verifies(key.pkey(), digest, rs)) << "signature " << n;
        auto other = digest_of(n + 1000);
        EXPECT_FALSE(evp_verifies(key.pkey(), other, rs)) << "signature " << n;
        // r = x(k·G) mod n: a repeated r would mean a repeated nonce, which gives the key away.
        EXPECT_TRUE(
            r_values.insert(dns::Bytes(rs.begin(), rs.begin() + static_cast<std::ptrdiff_t>(width)))
                .second);
    }
}

TEST_P(EcdsaBatchSign, TheSameDigestTwiceGivesTwoSignatures) {
    auto key = new_key(GetParam());
    auto signer = EcdsaBatchSigner::create(key.pkey());
    ASSERT_NE(signer, nullptr);
    auto digest = digest_of(7);
    dns::Bytes a, b;
    ASSERT_TRUE(signer->sign(digest, a));
    ASSERT_TRUE(signer->sign(digest, b));
    EXPECT_NE(a, b);
    EXPECT_TRUE(evp_verifies(key.pkey(), digest, a));
    EXPECT_TRUE(evp_verifies(key.pkey(), digest, b));
}

// Two signers of one key (two signing threads) draw independent nonces.
TEST_P(EcdsaBatchSign, TwoSignersOfOneKeyShareNoNonce) {
    auto key = new_key(GetParam());
    auto first = EcdsaBatchSigner::create(key.pkey());
    auto second = EcdsaBatchSigner::create(key.pkey());
    ASSERT_NE(first, nullptr);
    ASSERT_NE(second, nullptr);
    const std::size_t width = GetParam() == dns::alg::ecdsap256sha256 ? 32 : 48;
    std::set<dns::Bytes> r_values;
    for (std::size_t n = 0; n < 100; ++n) {
        for (auto* signer : {first.get(), second.get()}) {
            dns::Bytes sig;
            ASSERT_TRUE(signer->sign(digest_of(n), sig));
            EXPECT_TRUE(evp_verifies(key.pkey(), digest_of(n), sig));
            EXPECT_TRUE(r_values
                            .insert(dns::Bytes(sig.begin(),
                                               sig.begin() + static_cast<std::ptrdiff_t>(width)))
                            .second);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Curves, EcdsaBatchSign,
                         ::testing::Values(dns::alg::ecdsap256sha256, dns::alg::ecdsap384sha384));

TEST(EcdsaBatchSigner, OtherKeyTypesAreLeftToEvp) {
    for (auto algorithm : {dns::alg::rsasha256, dns::alg::ed25519}) {
        auto key = new_key(algorithm);
        EXPECT_EQ(EcdsaBatchSigner::create(key.pkey()), nullptr);
    }
}

}  // namespace
}  // namespace zw::signer
