// Known answers from the RFCs, through both libraries (dns/crypto_library.h) on both sides:
// every signer must reproduce the deterministic signatures byte for byte (RSA PKCS #1 v1.5
// and EdDSA), and every verifier must accept the published signatures (ECDSA's are random)
// and refuse them over other data.
#include "signer/crypto.h"

#include <gtest/gtest.h>

#include "../../testutil/temp_dir.h"
#include "dns/encoding.h"
#include "dns/rrsig.h"
#include "dns/verifier.h"
#include "signer/key_file.h"

namespace zw::signer {
namespace {

using dns::CryptoLibrary;
constexpr CryptoLibrary libraries[] = {CryptoLibrary::openssl, CryptoLibrary::nettle};

// A key pair from the BIND files of an RFC example.
KeyPair example_key(const std::string& base, const std::string& key_line,
                    const std::string& private_text) {
    testutil::TempDir dir;
    dir.write_private(base + ".private", private_text);
    dir.write(base + ".key", key_line + "\n");
    auto key = read_key_pair(dir.file(base));
    EXPECT_TRUE(key) << (key ? "" : key.error().message);
    return std::move(*key);
}

// The data an RRSIG with these fields covers over the one-record RRset in rr_text.
dns::Bytes signed_data(const std::string& rr_text, std::uint8_t algorithm, std::uint8_t labels,
                       std::uint32_t expiration, std::uint32_t inception, std::uint16_t tag,
                       const std::string& signer) {
    auto rr = dns::rr_from_text(rr_text).value();
    dns::RrsigFields f{rr.type,    algorithm, labels, rr.ttl,
                       expiration, inception, tag,    dns::Name::from_text(signer).value()};
    dns::Bytes rrsig, data;
    f.append_to(rrsig);
    std::vector<dns::Bytes> rdatas{rr.rdata};
    dns::append_signed_data(data, rrsig, rr.owner, rr.type, rdatas, rr.ttl);
    return data;
}

dns::Bytes sign_with(const KeyPair& key, CryptoLibrary library,
                     std::span<const std::uint8_t> data) {
    auto ctx = SigningContext::create(key, library);
    EXPECT_TRUE(ctx) << dns::library_name(library) << ": " << (ctx ? "" : ctx.error().message);
    dns::Bytes sig;
    if (ctx) {
        EXPECT_TRUE(ctx->sign(data, sig)) << dns::library_name(library);
    }
    return sig;
}

// Both verifiers accept signature over data, and neither accepts it over data changed in
// its last octet.
void expect_verified_by_both(const dns::Dnskey& key, dns::Bytes data, const dns::Bytes& signature) {
    for (CryptoLibrary library : libraries) {
        auto verifier = dns::Verifier::create(key, library);
        ASSERT_TRUE(verifier) << dns::library_name(library) << ": " << verifier.error().message;
        EXPECT_TRUE(verifier->verify(data, signature)) << dns::library_name(library);
        data.back() ^= 1;
        EXPECT_FALSE(verifier->verify(data, signature)) << dns::library_name(library);
        data.back() ^= 1;
    }
}

// RFC 8080 §6 with verified Errata ID 4935 (labels 2 and the algorithm field restored):
// EdDSA is deterministic, so the RRSIG over the example MX RRset comes out byte for byte.
struct EddsaExample {
    const char* base;
    const char* key_line;
    const char* private_text;
    std::uint8_t algorithm;
    std::uint16_t tag;
    const char* signature;
};

const EddsaExample rfc8080[] = {
    {"Kexample.com.+015+03613",
     "example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
     "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: "
     "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n",
     15, 3613,
     "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg=="},
    {"Kexample.com.+015+35217",
     "example.com. 3600 IN DNSKEY 257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
     "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: "
     "DSSF3o0s0f+ElWzj9E/Osxw8hLpk55chkmx0LYN5WiY=\n",
     15, 35217,
     "zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg=="},
    {"Kexample.com.+016+09713",
     "example.com. 3600 IN DNSKEY 257 3 16 "
     "3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
     "Private-key-format: v1.2\nAlgorithm: 16 (ED448)\n"
     "PrivateKey: xZ+5Cgm463xugtkY5B0Jx6erFTXp13rYegst0qRtNsOYnaVpMx0Z/c5EiA9x8wWbDDct/U3FhYWA\n",
     16, 9713,
     "3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0amxWndkmnBZ6SKiwZSAxGILn/"
     "NBtOXft0+Gj7FSvOKxE/07+4RQ"
     "vE581N3Aj/JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA"},
    {"Kexample.com.+016+38353",
     "example.com. 3600 IN DNSKEY 257 3 16 "
     "kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA",
     "Private-key-format: v1.2\nAlgorithm: 16 (ED448)\n"
     "PrivateKey: WEykD3ht3MHkU8iH4uVOLz8JLwtRBSqiBoM6fF72+Mrp/u5gjxuB1DV6NnPO2BlZdz4hdSTkOdOA\n",
     16, 38353,
     "E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57CSnZqjJP41O/"
     "9l4m0AsQ4f7qI1gVnML8vWWiyW2KXhT9kuAICU"
     "Sxv5OWbf81Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA"},
};

TEST(CryptoKnownAnswers, Rfc8080EdDsaExamplesOnBothLibraries) {
    for (const EddsaExample& ex : rfc8080) {
        SCOPED_TRACE(ex.base);
        KeyPair key = example_key(ex.base, ex.key_line, ex.private_text);
        EXPECT_EQ(key.tag(), ex.tag);
        dns::Bytes data = signed_data("example.com. 3600 IN MX 10 mail.example.com.", ex.algorithm,
                                      2, 1440021600, 1438207200, ex.tag, "example.com.");
        for (CryptoLibrary library : libraries) {
            EXPECT_EQ(dns::base64_encode(sign_with(key, library, data)), ex.signature)
                << dns::library_name(library);
        }
        expect_verified_by_both(key.dnskey(), data, dns::base64_decode(ex.signature).value());
    }
}

// RFC 8032 §7.1 (Ed25519 TEST 1-3) and §7.4 (Ed448 "Blank" and "1 octet"): raw EdDSA,
// outside DNS, with the public key each library derives from the secret.
struct Rfc8032Vector {
    std::uint8_t algorithm;
    const char *secret, *public_key, *message, *signature;
};

const Rfc8032Vector rfc8032[] = {
    {15, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "46bd25bf5f0595bbe2465"
     "5141438e7a100b"},
    {15, "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", nullptr, "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11"
     "d8c387b2eaeb4302aeeb0"
     "0d291612bb0c00"},
    {15, "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", nullptr, "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc"
     "6594a7c15e9716ed28dc0"
     "27beceea1ec40a"},
    {16,
     "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492"
     "f8f032e7549a20098f95b",
     "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50"
     "f6cd1fa1abeafe8256180",
     "",
     "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47"
     "d7828c59bd0a21bfd3980"
     "ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a73632"
     "68c71d95808ff2e652600"},
    {16,
     "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a6599"
     "49ef8021e954e0a12274e",
     "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb821"
     "69c235160627b4c3a9480",
     "03",
     "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8ccdf"
     "633fc1bf037ab7cd77980"
     "5e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab21aa4ada"
     "fd1d234441cf807c03a00"},
};

KeyPair raw_eddsa_key(std::uint8_t algorithm, const dns::Bytes& secret) {
    EvpPkey pkey(EVP_PKEY_new_raw_private_key(
        algorithm == dns::alg::ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, nullptr, secret.data(),
        secret.size()));
    dns::Dnskey dnskey{257, 3, algorithm, public_key_field(pkey.get(), algorithm).value()};
    return KeyPair(dns::Name::from_text("example.").value(), std::move(dnskey), std::move(pkey),
                   {});
}

TEST(CryptoKnownAnswers, Rfc8032EdDsaVectorsOnBothLibraries) {
    for (const Rfc8032Vector& v : rfc8032) {
        SCOPED_TRACE(v.signature);
        KeyPair key = raw_eddsa_key(v.algorithm, dns::hex_decode(v.secret).value());
        if (v.public_key) {
            EXPECT_EQ(dns::hex_encode(key.dnskey().public_key), v.public_key);
        }
        const dns::Bytes message = dns::hex_decode(v.message).value();
        for (CryptoLibrary library : libraries) {
            EXPECT_EQ(dns::hex_encode(sign_with(key, library, message)), v.signature)
                << dns::library_name(library);
            auto verifier = dns::Verifier::create(key.dnskey(), library).value();
            EXPECT_TRUE(verifier.verify(message, dns::hex_decode(v.signature).value()))
                << dns::library_name(library);
            dns::Bytes other = message;
            other.push_back(0);
            EXPECT_FALSE(verifier.verify(other, dns::hex_decode(v.signature).value()))
                << dns::library_name(library);
        }
    }
}

// RFC 5702 §6.1: RSA/SHA-256 (PKCS #1 v1.5 is deterministic too), 512-bit example key.
TEST(CryptoKnownAnswers, Rfc5702RsaSha256ExampleOnBothLibraries) {
    KeyPair key = example_key(
        "Kexample.net.+008+09033",
        "example.net. 3600 IN DNSKEY 256 3 8 "
        "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8Pk"
        "xUdp6p/DlUmObdk=",
        "Private-key-format: v1.2\nAlgorithm: 8 (RSASHA256)\n"
        "Modulus: "
        "wVwaxrHF2CK64aYKRUibLiH30KpPuPBjel7E8ZydQW1HYWHfoGmidzC2RnhwCC293hCzw+TFR2nqn8OVSY5t2Q==\n"
        "PublicExponent: AQAB\n"
        "PrivateExponent: "
        "UR44xX6zB3eaeyvTRzmskHADrPCmPWnr8dxsNwiDGHzrMKLN+i/HAam+97HxIKVWNDH2ba9Mf1SA8xu9dcHZAQ==\n"
        "Prime1: 4c8IvFu1AVXGWeFLLFh5vs7fbdzdC6U82fduE6KkSWk=\n"
        "Prime2: 2zZpBE8ZXVnL74QjG4zINlDfH+EOEtjJJ3RtaYDugvE=\n"
        "Exponent1: G2xAPFfK0KGxGANDVNxd1K1c9wOmmJ51mGbzKFFNMFk=\n"
        "Exponent2: GYxP1Pa7CAwtHm8SAGX594qZVofOMhgd6YFCNyeVpKE=\n"
        "Coefficient: icQdNRjlZGPmuJm2TIadubcO8X7V4y07aVhX464tx8Q=\n");
    EXPECT_EQ(key.tag(), 9033);
    // 20300101000000 and 20000101000000.
    dns::Bytes data = signed_data("www.example.net. 3600 IN A 192.0.2.91", 8, 3, 1893456000,
                                  946684800, 9033, "example.net.");
    const std::string expected =
        "kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==";
    for (CryptoLibrary library : libraries) {
        EXPECT_EQ(dns::base64_encode(sign_with(key, library, data)), expected)
            << dns::library_name(library);
    }
    expect_verified_by_both(key.dnskey(), data, dns::base64_decode(expected).value());
}

// RFC 6605 §6.1 and §6.2: ECDSA signatures are random, so the published ones must verify
// on both libraries, and each library's own signature over the same data must verify on
// both.
struct EcdsaExample {
    const char* base;
    const char* key_line;
    const char* private_text;
    std::uint8_t algorithm;
    std::uint16_t tag;
    std::uint32_t expiration, inception;
    const char* signature;
};

const EcdsaExample rfc6605[] = {
    {"Kexample.net.+013+55648",
     "example.net. 3600 IN DNSKEY 257 3 13 "
     "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9x"
     "MWyQLc8NAA==",
     "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: "
     "GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\n",
     13, 55648, 1284026679, 1281607479,  // 20100909100439, 20100812100439
     "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw=="},
    {"Kexample.net.+014+10771",
     "example.net. 3600 IN DNSKEY 257 3 14 "
     "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRS"
     "EkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
     "Private-key-format: v1.2\nAlgorithm: 14 (ECDSAP384SHA384)\n"
     "PrivateKey: WURgWHCcYIYUPWgeLmiPY2DJJk02vgrmTfitxgqcL4vwW7BOrbawVmVe0d9V94SR\n",
     14, 10771, 1284027625, 1281608425,  // 20100909102025, 20100812102025
     "/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSP"
     "dz7wnqXL5bdcJzusdnI0"
     "RSMROxxwGipWcJm"},
};

TEST(CryptoKnownAnswers, Rfc6605EcdsaExamplesOnBothLibraries) {
    for (const EcdsaExample& ex : rfc6605) {
        SCOPED_TRACE(ex.base);
        KeyPair key = example_key(ex.base, ex.key_line, ex.private_text);
        EXPECT_EQ(key.tag(), ex.tag);
        dns::Bytes data = signed_data("www.example.net. 3600 IN A 192.0.2.1", ex.algorithm, 3,
                                      ex.expiration, ex.inception, ex.tag, "example.net.");
        expect_verified_by_both(key.dnskey(), data, dns::base64_decode(ex.signature).value());
        for (CryptoLibrary library : libraries) {
            SCOPED_TRACE(dns::library_name(library));
            dns::Bytes sig = sign_with(key, library, data);
            EXPECT_EQ(sig.size(), ex.algorithm == dns::alg::ecdsap256sha256 ? 64u : 96u);
            expect_verified_by_both(key.dnskey(), data, sig);
        }
    }
}

}  // namespace
}  // namespace zw::signer
