// The EdDSA batch verifier must accept every batch of valid signatures, at every size, and
// refuse every batch with one signature that OpenSSL refuses; through dns::Verifier the
// verdicts are OpenSSL's, signature by signature. Ed25519 and Ed448 alike.
#include "dns/eddsa_batch.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <functional>

#include "dns/encoding.h"
#include "dns/openssl.h"

namespace zw::dns {
namespace {

struct Scheme {
    std::uint8_t algorithm;
    const char* name;  // OpenSSL's
    std::size_t key_octets, signature_octets;
    const char* order_hex;       // L, RFC 8032 §5.1 and §5.2
    const char* p_plus_one_hex;  // the encoding of y = p + 1: not canonical
};

const Scheme ed25519{alg::ed25519,
                     "ED25519",
                     32,
                     64,
                     "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed",
                     "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"};
const Scheme ed448{alg::ed448,
                   "ED448",
                   57,
                   114,
                   "3fffffffffffffffffffffffffffffffffffffffffffffffffffffff7cca23e9c44edb49aed6369"
                   "0216cc2728dc58f552378c2"
                   "92ab5844f3",
                   "00000000000000000000000000000000000000000000000000000000fffffffffffffffffffffff"
                   "fffffffffffffffffffffff"
                   "ffffffffff00"};

struct Signer {
    const Scheme& scheme;
    EvpPkey key{EVP_PKEY_Q_keygen(nullptr, nullptr, scheme.name)};
    Bytes public_key() const {
        Bytes out(scheme.key_octets);
        std::size_t len = out.size();
        EXPECT_EQ(EVP_PKEY_get_raw_public_key(key.get(), out.data(), &len), 1);
        return out;
    }
    Bytes sign(const Bytes& message) const {
        EvpMdCtx ctx(EVP_MD_CTX_new());
        Bytes sig(scheme.signature_octets);
        std::size_t len = sig.size();
        EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()), 1);
        EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()), 1);
        return sig;
    }
    bool openssl_verifies(const Bytes& message, const Bytes& sig) const {
        EvpMdCtx ctx(EVP_MD_CTX_new());
        return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
               EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(),
                                message.size()) == 1;
    }
};

struct Batch {
    std::vector<Bytes> messages, signatures;
    std::vector<Verifier::Check> checks() const {
        std::vector<Verifier::Check> out;
        for (std::size_t i = 0; i < messages.size(); ++i)
            out.push_back({messages[i], signatures[i]});
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

class EddsaBatch : public ::testing::TestWithParam<const Scheme*> {};

TEST_P(EddsaBatch, AcceptsValidBatchesOfEverySize) {
    Signer signer{*GetParam()};
    auto batch = EddsaBatchVerifier::create(GetParam()->algorithm, signer.public_key());
    ASSERT_NE(batch, nullptr);
    for (std::size_t n : {1, 2, 3, 7, 16, 63, 64, 65, 200}) {
        Batch b = make_batch(signer, n);
        EXPECT_TRUE(batch->verify_all(b.checks())) << n;
    }
    EXPECT_TRUE(batch->verify_all({}));
}

// One damaged signature anywhere in a batch fails the batch: R, S or the message changed,
// S raised by the group order (the same point, refused by RFC 8032's S < L), an R whose y
// is p + 1, a signature by another key, one cut short.
TEST_P(EddsaBatch, RefusesABatchWithOneSignatureOpenSslRefuses) {
    const Scheme& scheme = *GetParam();
    Signer signer{scheme}, other{scheme};
    auto batch = EddsaBatchVerifier::create(scheme.algorithm, signer.public_key());
    ASSERT_NE(batch, nullptr);
    const std::size_t k = scheme.key_octets, s_octets = scheme.signature_octets - k;
    std::vector<std::function<void(Bytes & m, Bytes & sig)>> damages = {
        [](Bytes&, Bytes& sig) { sig[3] ^= 0x01; },
        [&](Bytes&, Bytes& sig) { sig[k + 5] ^= 0x20; },
        [](Bytes& m, Bytes&) { m.push_back(0); },
        [&](Bytes&, Bytes& sig) {
            Bignum s(BN_lebin2bn(sig.data() + k, static_cast<int>(s_octets), nullptr));
            BIGNUM* raw = nullptr;
            BN_hex2bn(&raw, scheme.order_hex);
            Bignum order(raw);
            BN_add(s.get(), s.get(), order.get());
            BN_bn2lebinpad(s.get(), sig.data() + k, static_cast<int>(s_octets));
        },
        [&](Bytes&, Bytes& sig) {
            const std::uint8_t sign = sig[k - 1] & 0x80;
            const Bytes r = hex_decode(scheme.p_plus_one_hex).value();
            std::copy(r.begin(), r.end(), sig.begin());
            sig[k - 1] |= sign;
        },
        [&](Bytes& m, Bytes& sig) { sig = other.sign(m); },
        [](Bytes&, Bytes& sig) { sig.pop_back(); },
    };
    for (std::size_t kind = 0; kind < damages.size(); ++kind) {
        for (std::size_t at : {0, 17, 39}) {
            Batch b = make_batch(signer, 40);
            damages[kind](b.messages[at], b.signatures[at]);
            ASSERT_FALSE(signer.openssl_verifies(b.messages[at], b.signatures[at])) << kind;
            EXPECT_FALSE(batch->verify_all(b.checks())) << "damage " << kind << " at " << at;
        }
    }
}

TEST_P(EddsaBatch, RefusesAPublicKeyThatIsNotACanonicalPoint) {
    const Scheme& scheme = *GetParam();
    EXPECT_EQ(EddsaBatchVerifier::create(scheme.algorithm, Bytes(scheme.key_octets - 1, 1)),
              nullptr);
    EXPECT_EQ(
        EddsaBatchVerifier::create(scheme.algorithm, hex_decode(scheme.p_plus_one_hex).value()),
        nullptr);
    bool found_non_point = false;  // some small y has no x on the curve
    for (std::uint8_t y = 2; y < 40 && !found_non_point; ++y) {
        Bytes key(scheme.key_octets, 0);
        key[0] = y;
        found_non_point = EddsaBatchVerifier::create(scheme.algorithm, key) == nullptr;
    }
    EXPECT_TRUE(found_non_point);
}

// Through dns::Verifier, batches with damaged signatures get OpenSSL's verdict on each.
TEST_P(EddsaBatch, TheVerifierGivesOpenSslsVerdictOnEachSignature) {
    Signer signer{*GetParam()};
    Dnskey dnskey{256, 3, GetParam()->algorithm, signer.public_key()};
    auto verifier = Verifier::create(dnskey, CryptoLibrary::openssl).value();
    Batch b = make_batch(signer, 150);
    for (std::size_t i = 5; i < 150; i += 31) b.signatures[i][i % b.signatures[i].size()] ^= 0x08;
    auto checks = b.checks();
    verifier.verify(checks);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        EXPECT_EQ(checks[i].valid, signer.openssl_verifies(b.messages[i], b.signatures[i])) << i;
        EXPECT_EQ(checks[i].valid, i % 31 != 5) << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Curves, EddsaBatch, ::testing::Values(&ed25519, &ed448),
                         [](const auto& info) { return std::string(info.param->name); });

// RFC 8032 §7.1 TEST 1-3 and §7.4 "Blank" and "1 octet": each key alone, a batch of one.
TEST(EddsaBatchVectors, AcceptTheRfc8032Vectors) {
    const struct {
        std::uint8_t algorithm;
        const char *key, *message, *signature;
    } vectors[] = {
        {alg::ed25519, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
         "cf9b46bd25bf5f0595bbe"
         "24655141438e7a100b"},
        {alg::ed25519, "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d"
         "0f11d8c387b2eaeb4302a"
         "eeb00d291612bb0c00"},
        {alg::ed25519, "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f7609"
         "84dc6594a7c15e9716ed2"
         "8dc027beceea1ec40a"},
        {alg::ed448,
         "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df"
         "1e50f6cd1fa1abeafe825"
         "6180",
         "",
         "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22d"
         "dd47d7828c59bd0a21bfd"
         "3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f"
         "05a7363268c71d95808ff"
         "2e652600"},
        {alg::ed448,
         "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4c"
         "b82169c235160627b4c3a"
         "9480",
         "03",
         "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8"
         "ccdf633fc1bf037ab7cd7"
         "79805e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab"
         "21aa4adafd1d234441cf8"
         "07c03a00"},
    };
    for (const auto& v : vectors) {
        auto batch = EddsaBatchVerifier::create(v.algorithm, hex_decode(v.key).value());
        ASSERT_NE(batch, nullptr) << v.key;
        const Bytes m = hex_decode(v.message).value(), sig = hex_decode(v.signature).value();
        Verifier::Check c{m, sig};
        EXPECT_TRUE(batch->verify_all(std::span(&c, 1))) << v.key;
        Bytes other = m;
        other.push_back(1);
        Verifier::Check d{other, sig};
        EXPECT_FALSE(batch->verify_all(std::span(&d, 1))) << v.key;
    }
}

}  // namespace
}  // namespace zw::dns
