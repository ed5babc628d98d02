// The Ed25519 batch verifier must accept every batch of valid signatures, at every size,
// and refuse every batch with one signature that OpenSSL refuses; through dns::Verifier
// the verdicts are OpenSSL's, signature by signature.
#include "dns/ed25519_batch.h"

#include <gtest/gtest.h>
#include <functional>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "dns/encoding.h"
#include "dns/openssl.h"

namespace zw::dns {
namespace {

struct Signer {
    EvpPkey key{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")};
    Bytes public_key() const {
        Bytes out(32);
        std::size_t len = out.size();
        EXPECT_EQ(EVP_PKEY_get_raw_public_key(key.get(), out.data(), &len), 1);
        return out;
    }
    Bytes sign(const Bytes& message) const {
        EvpMdCtx ctx(EVP_MD_CTX_new());
        Bytes sig(64);
        std::size_t len = sig.size();
        EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()), 1);
        EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()), 1);
        return sig;
    }
    bool openssl_verifies(const Bytes& message, const Bytes& sig) const {
        EvpMdCtx ctx(EVP_MD_CTX_new());
        return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
               EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
    }
};

struct Batch {
    std::vector<Bytes> messages, signatures;
    std::vector<Verifier::Check> checks() const {
        std::vector<Verifier::Check> out;
        for (std::size_t i = 0; i < messages.size(); ++i) out.push_back({messages[i], signatures[i]});
        return out;
    }
};

Batch make_batch(const Signer& signer, std::size_t n) {
    Batch b;
    for (std::size_t i = 0; i < n; ++i) {
        Bytes m(20 + i % 90);
        EXPECT_EQ(RAND_bytes(m.data(), static_cast<int>(m.size())), 1);
        b.signatures.push_back(signer.sign(m));
        b.messages.push_back(std::move(m));
    }
    return b;
}

TEST(Ed25519Batch, AcceptsValidBatchesOfEverySize) {
    Signer signer;
    auto batch = Ed25519BatchVerifier::create(signer.public_key());
    ASSERT_NE(batch, nullptr);
    for (std::size_t n : {1, 2, 3, 7, 16, 63, 64, 65, 200}) {
        Batch b = make_batch(signer, n);
        auto checks = b.checks();
        EXPECT_TRUE(batch->verify_all(checks)) << n;
    }
    EXPECT_TRUE(batch->verify_all({}));
}

// RFC 8032 §7.1 TEST 1-3 (a batch of one each, and the three keys are different, so each
// alone).
TEST(Ed25519Batch, AcceptsTheRfc8032Vectors) {
    const char* vectors[][3] = {
        {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe"
         "24655141438e7a100b"},
        {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302a"
         "eeb00d291612bb0c00"},
        {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed2"
         "8dc027beceea1ec40a"},
    };
    for (const auto& v : vectors) {
        auto batch = Ed25519BatchVerifier::create(hex_decode(v[0]).value());
        ASSERT_NE(batch, nullptr) << v[0];
        const Bytes m = hex_decode(v[1]).value(), sig = hex_decode(v[2]).value();
        Verifier::Check c{m, sig};
        EXPECT_TRUE(batch->verify_all(std::span(&c, 1))) << v[0];
        Bytes other = m;
        other.push_back(1);
        Verifier::Check d{other, sig};
        EXPECT_FALSE(batch->verify_all(std::span(&d, 1))) << v[0];
    }
}

// One damaged signature anywhere in a batch fails the batch: R, S or the message changed,
// S raised by the group order (the same point, refused by RFC 8032's S < L), R with a
// y of p or more, a signature by another key, one cut short.
TEST(Ed25519Batch, RefusesABatchWithOneSignatureOpenSslRefuses) {
    Signer signer, other;
    auto batch = Ed25519BatchVerifier::create(signer.public_key());
    ASSERT_NE(batch, nullptr);
    std::vector<std::function<void(Bytes& m, Bytes& sig)>> damages = {
        [](Bytes&, Bytes& sig) { sig[3] ^= 0x01; },
        [](Bytes&, Bytes& sig) { sig[40] ^= 0x20; },
        [](Bytes& m, Bytes&) { m.push_back(0); },
        [](Bytes&, Bytes& sig) {  // S + L
            Bignum s(BN_lebin2bn(sig.data() + 32, 32, nullptr)), l(nullptr);
            BIGNUM* raw = nullptr;
            BN_hex2bn(&raw, "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed");
            l.reset(raw);
            BN_add(s.get(), s.get(), l.get());
            BN_bn2lebinpad(s.get(), sig.data() + 32, 32);
        },
        [](Bytes&, Bytes& sig) {  // y = p + 1 with the sign bit kept: not canonical
            const std::uint8_t sign = sig[31] & 0x80;
            std::fill(sig.begin(), sig.begin() + 32, 0xff);
            sig[0] = 0xee;
            sig[31] = 0x7f | sign;
        },
        [&](Bytes& m, Bytes& sig) { sig = other.sign(m); },
        [](Bytes&, Bytes& sig) { sig.pop_back(); },
    };
    for (std::size_t kind = 0; kind < damages.size(); ++kind) {
        for (std::size_t at : {0, 17, 39}) {
            Batch b = make_batch(signer, 40);
            damages[kind](b.messages[at], b.signatures[at]);
            ASSERT_FALSE(signer.openssl_verifies(b.messages[at], b.signatures[at])) << kind;
            auto checks = b.checks();
            EXPECT_FALSE(batch->verify_all(checks)) << "damage " << kind << " at " << at;
        }
    }
}

TEST(Ed25519Batch, RefusesAPublicKeyThatIsNotACanonicalPoint) {
    EXPECT_EQ(Ed25519BatchVerifier::create(Bytes(31, 1)), nullptr);
    Bytes not_canonical(32, 0xff);
    not_canonical[31] = 0x7f;  // y = 2^255 - 1 >= p
    EXPECT_EQ(Ed25519BatchVerifier::create(not_canonical), nullptr);
    // y = 2: x^2 = 3 / (4d + 1) has no root (found by trying).
    bool found_non_point = false;
    for (std::uint8_t y = 2; y < 40 && !found_non_point; ++y) {
        Bytes key(32, 0);
        key[0] = y;
        found_non_point = Ed25519BatchVerifier::create(key) == nullptr;
    }
    EXPECT_TRUE(found_non_point);
}

// Through dns::Verifier, batches with damaged signatures get OpenSSL's verdict on each.
TEST(Ed25519Batch, TheVerifierGivesOpenSslsVerdictOnEachSignature) {
    Signer signer;
    Dnskey dnskey{256, 3, alg::ed25519, signer.public_key()};
    auto verifier = Verifier::create(dnskey, CryptoLibrary::openssl).value();
    Batch b = make_batch(signer, 150);
    for (std::size_t i = 5; i < 150; i += 31) b.signatures[i][i % 64] ^= 0x08;
    auto checks = b.checks();
    verifier.verify(checks);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        EXPECT_EQ(checks[i].valid, signer.openssl_verifies(b.messages[i], b.signatures[i])) << i;
        EXPECT_EQ(checks[i].valid, i % 31 != 5) << i;
    }
}

}  // namespace
}  // namespace zw::dns
