// The P-256 table verifier must give OpenSSL's verdict on every signature, valid or not,
// alone or in a batch, including the rare x(R) >= n case that ordinary signing never hits.
#include "dns/ecdsa_key_table.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include <vector>

#include "dns/openssl.h"
#include "dns/verifier.h"

namespace zw::dns {
namespace {

using Group = EcGroup;
using Point = EcPoint;
using Digest = std::array<std::uint8_t, 32>;

Bytes fixed(const BIGNUM* v) {
    Bytes out(32);
    EXPECT_EQ(BN_bn2binpad(v, out.data(), 32), 32);
    return out;
}

// A P-256 key and signatures made by OpenSSL, in the RFC 6605 formats.
struct Signer {
    EvpPkey key{EVP_EC_gen("P-256")};

    Bytes public_key() const {
        std::array<std::uint8_t, 65> point{};
        std::size_t len = 0;
        EXPECT_EQ(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                                  point.size(), &len),
                  1);
        return Bytes(point.begin() + 1, point.begin() + static_cast<std::ptrdiff_t>(len));
    }
    Bytes sign(const Digest& digest) const {
        EvpPkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
        std::array<unsigned char, 80> der{};
        std::size_t len = der.size();
        EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
        EXPECT_EQ(EVP_PKEY_sign(ctx.get(), der.data(), &len, digest.data(), digest.size()), 1);
        const unsigned char* p = der.data();
        ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
        Bytes out = fixed(ECDSA_SIG_get0_r(sig));
        Bytes s = fixed(ECDSA_SIG_get0_s(sig));
        out.insert(out.end(), s.begin(), s.end());
        ECDSA_SIG_free(sig);
        return out;
    }
};

EvpPkey public_only(const Bytes& public_key) {
    Bytes point{0x04};
    point.insert(point.end(), public_key.begin(), public_key.end());
    ParamBld bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                     point.size());
    return pkey_from_params("EC", bld, EVP_PKEY_PUBLIC_KEY);
}

// OpenSSL's own verdict, through EVP with the public key alone.
bool openssl_verifies(const Bytes& public_key, const Digest& digest, const Bytes& signature) {
    EvpPkey key = public_only(public_key);
    EvpPkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(signature.data(), 32, nullptr),
                   BN_bin2bn(signature.data() + 32, 32, nullptr));
    unsigned char* der = nullptr;
    int der_len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    bool ok = EVP_PKEY_verify_init(ctx.get()) == 1 &&
              EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_len), digest.data(),
                              digest.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

Digest random_digest() {
    Digest d{};
    EXPECT_EQ(RAND_bytes(d.data(), static_cast<int>(d.size())), 1);
    return d;
}

// Valid signatures and three kinds of tampered ones, checked in one batch.
void expect_openssl_verdicts(EcdsaKeyTable& table, const Signer& signer) {
    std::vector<Bytes> signatures;
    std::vector<EcdsaKeyTable::Check> checks;
    for (int i = 0; i < 60; ++i) {
        Digest d = random_digest();
        Bytes sig = signer.sign(d);
        switch (i % 4) {
            case 1:
                d[i % 32] ^= 0x10;
                break;  // other data
            case 2:
                sig[31] ^= 0x01;
                break;  // r changed
            case 3:
                sig[63] ^= 0x80;
                break;  // s changed
            default:
                break;
        }
        signatures.push_back(sig);
        checks.push_back({d, {}, false});
    }
    for (std::size_t i = 0; i < checks.size(); ++i) checks[i].signature = signatures[i];
    table.verify(checks);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        EXPECT_EQ(checks[i].valid, i % 4 == 0) << i;
        EXPECT_EQ(checks[i].valid,
                  openssl_verifies(signer.public_key(), checks[i].digest, signatures[i]))
            << i;
    }
}

// The tables exist only with the fast path on OpenSSL's deprecated EC API.
#define SKIP_WITHOUT_FAST_PATH() \
    if (!openssl_ec_fast_path()) GTEST_SKIP() << "built without ZW_OPENSSL_EC_FAST_PATH"

TEST(EcdsaKeyTable, AgreesWithOpenSslOnValidAndTamperedSignaturesInOneBatch) {
    SKIP_WITHOUT_FAST_PATH();
    Signer signer;
    auto table = EcdsaKeyTable::build(signer.public_key());
    ASSERT_NE(table, nullptr);
    expect_openssl_verdicts(*table, signer);
}

// A signature whose s was made for nonce k but whose r is the x of another point: what a
// signer would make if it paired the r of one nonce with the k⁻¹ of another.
TEST(EcdsaKeyTable, RefusesAnRFromTheWrongPoint) {
    SKIP_WITHOUT_FAST_PATH();
    Signer signer;
    Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    BnCtx ctx(BN_CTX_new());
    const BIGNUM* n = EC_GROUP_get0_order(group.get());
    BIGNUM* raw_d = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(signer.key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw_d), 1);
    Bignum d(raw_d), k(BN_new()), k_next(BN_new()), k_inv(BN_new()), x(BN_new()), r(BN_new()),
        e(BN_new()), s(BN_new());
    ASSERT_EQ(BN_rand_range(k.get(), n), 1);
    ASSERT_EQ(BN_mod_add(k_next.get(), k.get(), BN_value_one(), n, ctx.get()), 1);
    Point other(EC_POINT_new(group.get()));
    ASSERT_EQ(EC_POINT_mul(group.get(), other.get(), k_next.get(), nullptr, nullptr, ctx.get()), 1);
    ASSERT_EQ(
        EC_POINT_get_affine_coordinates(group.get(), other.get(), x.get(), nullptr, ctx.get()), 1);
    ASSERT_EQ(BN_nnmod(r.get(), x.get(), n, ctx.get()), 1);
    Digest digest = random_digest();
    BN_bin2bn(digest.data(), 32, e.get());
    // s = k⁻¹·(e + r·d)
    ASSERT_EQ(BN_mod_mul(s.get(), r.get(), d.get(), n, ctx.get()), 1);
    ASSERT_EQ(BN_mod_add(s.get(), s.get(), e.get(), n, ctx.get()), 1);
    ASSERT_NE(BN_mod_inverse(k_inv.get(), k.get(), n, ctx.get()), nullptr);
    ASSERT_EQ(BN_mod_mul(s.get(), s.get(), k_inv.get(), n, ctx.get()), 1);
    Bytes sig = fixed(r.get());
    Bytes s_bytes = fixed(s.get());
    sig.insert(sig.end(), s_bytes.begin(), s_bytes.end());
    EXPECT_FALSE(openssl_verifies(signer.public_key(), digest, sig));
    auto table = EcdsaKeyTable::build(signer.public_key());
    ASSERT_NE(table, nullptr);
    EcdsaKeyTable::Check check{digest, sig, true};
    table->verify(std::span(&check, 1));
    EXPECT_FALSE(check.valid);
}

TEST(EcdsaKeyTable, OutOfRangeValuesFailWithoutSpoilingTheRestOfTheBatch) {
    SKIP_WITHOUT_FAST_PATH();
    Signer signer;
    auto table = EcdsaKeyTable::build(signer.public_key());
    ASSERT_NE(table, nullptr);
    Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    Bytes n = fixed(EC_GROUP_get0_order(group.get()));
    Digest d = random_digest();
    Bytes good = signer.sign(d);
    auto with = [&](const Bytes& r, const Bytes& s) {
        Bytes out = r;
        out.insert(out.end(), s.begin(), s.end());
        return out;
    };
    const Bytes r(good.begin(), good.begin() + 32), s(good.begin() + 32, good.end()), zero(32, 0),
        ones(32, 0xff);
    std::vector<Bytes> sigs{
        good,       with(zero, s), with(r, zero), with(n, s),
        with(r, n), with(ones, s), with(r, ones), Bytes(good.begin(), good.begin() + 63),
        good};
    std::vector<EcdsaKeyTable::Check> checks;
    for (const auto& sig : sigs) checks.push_back({d, sig, true});
    table->verify(checks);
    for (std::size_t i = 0; i < checks.size(); ++i)
        EXPECT_EQ(checks[i].valid, i == 0 || i + 1 == checks.size()) << i;
}

// x(R) in [n, p) happens with probability about 2^-128, so the signature is built
// backwards: a point R with such an x, then the public key Q that makes (r, s) verify,
// Q = u2⁻¹·(R − u1·G).
TEST(EcdsaKeyTable, AcceptsASignatureWhosePointHasAnXAboveTheGroupOrder) {
    SKIP_WITHOUT_FAST_PATH();
    Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    BnCtx ctx(BN_CTX_new());
    const BIGNUM* n = EC_GROUP_get0_order(group.get());
    Point big_r(EC_POINT_new(group.get()));
    Bignum x(BN_dup(n));
    while (EC_POINT_set_compressed_coordinates(group.get(), big_r.get(), x.get(), 0, ctx.get()) !=
           1) {
        ASSERT_EQ(BN_add_word(x.get(), 1), 1);
    }
    Bignum r(BN_new()), s(BN_new()), e(BN_new()), w(BN_new()), u1(BN_new()), u2(BN_new()),
        u2_inv(BN_new());
    ASSERT_EQ(BN_sub(r.get(), x.get(), n), 1);
    Digest d = random_digest();
    BN_bin2bn(d.data(), 32, e.get());
    ASSERT_EQ(BN_rand_range(s.get(), n), 1);
    ASSERT_NE(BN_mod_inverse(w.get(), s.get(), n, ctx.get()), nullptr);
    BN_mod_mul(u1.get(), e.get(), w.get(), n, ctx.get());
    BN_mod_mul(u2.get(), r.get(), w.get(), n, ctx.get());
    ASSERT_NE(BN_mod_inverse(u2_inv.get(), u2.get(), n, ctx.get()), nullptr);
    Point u1g(EC_POINT_new(group.get())), q(EC_POINT_new(group.get()));
    ASSERT_EQ(EC_POINT_mul(group.get(), u1g.get(), u1.get(), nullptr, nullptr, ctx.get()), 1);
    ASSERT_EQ(EC_POINT_invert(group.get(), u1g.get(), ctx.get()), 1);
    ASSERT_EQ(EC_POINT_add(group.get(), q.get(), big_r.get(), u1g.get(), ctx.get()), 1);
    ASSERT_EQ(EC_POINT_mul(group.get(), q.get(), nullptr, q.get(), u2_inv.get(), ctx.get()), 1);
    std::array<std::uint8_t, 65> encoded{};
    ASSERT_EQ(EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED,
                                 encoded.data(), encoded.size(), ctx.get()),
              65u);
    Bytes public_key(encoded.begin() + 1, encoded.end());
    Bytes sig = fixed(r.get());
    Bytes s_bytes = fixed(s.get());
    sig.insert(sig.end(), s_bytes.begin(), s_bytes.end());

    ASSERT_TRUE(openssl_verifies(public_key, d, sig));
    auto table = EcdsaKeyTable::build(public_key);
    ASSERT_NE(table, nullptr);
    EcdsaKeyTable::Check check{d, sig, false};
    table->verify(std::span(&check, 1));
    EXPECT_TRUE(check.valid);
    sig[63] ^= 1;
    check = {d, sig, true};
    table->verify(std::span(&check, 1));
    EXPECT_FALSE(check.valid);
}

TEST(EcdsaKeyTable, RefusesAPointOffTheCurve) {
    SKIP_WITHOUT_FAST_PATH();
    Bytes key = Signer{}.public_key();
    key[63] ^= 1;
    EXPECT_EQ(EcdsaKeyTable::build(key), nullptr);
    EXPECT_EQ(EcdsaKeyTable::build(Bytes(64, 0)), nullptr);
}

// The Verifier switches to the table after p256_table_after checks (with the fast path);
// its verdicts must not change, nor differ from those without the fast path.
TEST(EcdsaKeyTable, AVerifierGivesTheSameVerdictsBeforeAndAfterItBuildsItsTable) {
    Signer signer;
    Dnskey dnskey{256, 3, alg::ecdsap256sha256, signer.public_key()};
    auto verifier = Verifier::create(dnskey, CryptoLibrary::openssl).value();
    std::vector<Bytes> data, signatures;
    const std::size_t count = p256_table_after + 300;
    for (std::size_t i = 0; i < count; ++i) {
        Bytes message{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), 7};
        Digest d{};
        unsigned len = 0;
        EVP_Digest(message.data(), message.size(), d.data(), &len, EVP_sha256(), nullptr);
        Bytes sig = signer.sign(d);
        if (i % 7 == 3) sig[40] ^= 4;
        data.push_back(message);
        signatures.push_back(sig);
    }
    // One by one across the threshold, then the same ones again in a batch.
    for (std::size_t i = 0; i < count; ++i)
        EXPECT_EQ(verifier.verify(data[i], signatures[i]), i % 7 != 3) << i;
    std::vector<Verifier::Check> checks;
    for (std::size_t i = 0; i < count; ++i) checks.push_back({data[i], signatures[i], i % 7 == 3});
    verifier.verify(checks);
    for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(checks[i].valid, i % 7 != 3) << i;
}

}  // namespace
}  // namespace zw::dns
