// Key tags and DS digests against the examples published in the RFCs.
#include "dns/dnssec.h"

#include <gtest/gtest.h>

#include "dns/encoding.h"

namespace zw::dns {
namespace {

struct Vector {
    const char* dnskey;
    std::uint16_t tag;
    std::uint8_t digest_type;
    const char* digest_hex;
};

void check(const Vector& v) {
    auto rr = rr_from_text(v.dnskey);
    ASSERT_TRUE(rr.has_value()) << rr.error().message;
    EXPECT_EQ(key_tag(rr->rdata), v.tag) << v.dnskey;
    auto ds = ds_rdata(rr->owner, rr->rdata, v.digest_type);
    ASSERT_TRUE(ds.has_value());
    Bytes digest(ds->begin() + 4, ds->end());
    EXPECT_EQ(hex_encode(digest), v.digest_hex) << v.dnskey;
    EXPECT_EQ((*ds)[0] << 8 | (*ds)[1], v.tag);
    EXPECT_EQ((*ds)[3], v.digest_type);
}

constexpr const char* rfc4034_key =
    "dskey.example.com. 86400 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/"
    "2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/"
    "M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+"
    "EPbtG9DMBmADjFDc2w/rljwvFw==";

TEST(KeyTagAndDs, Rfc4034Section5_4Sha1) {
    check({rfc4034_key, 60485, digest::sha1, "2bb183af5f22588179a53b0a98631fad1a292118"});
}

TEST(KeyTagAndDs, Rfc4509Section2_3Sha256) {
    check({rfc4034_key, 60485, digest::sha256,
           "d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a"});
}

TEST(KeyTagAndDs, Rfc6605Section6EcdsaP256AndP384) {
    check(
        {"example.net. 3600 IN DNSKEY 257 3 13 "
         "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+"
         "e+MAnLr+Wi9xMWyQLc8NAA==",
         55648, digest::sha256,
         "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17"});
    check(
        {"example.net. 3600 IN DNSKEY 257 3 14 xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/"
         "egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
         10771, digest::sha384,
         "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a946"
         "df983d6"});
}

TEST(KeyTagAndDs, Rfc8080Section6EdDsa) {
    check(
        {"example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=", 3613,
         digest::sha256, "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b"});
    check(
        {"example.com. 3600 IN DNSKEY 257 3 16 3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/"
         "OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
         9713, digest::sha256, "6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2b19c7"});
}

TEST(KeyTagAndDs, UnknownDigestTypeIsRefused) {
    auto rr = rr_from_text(rfc4034_key);
    ASSERT_TRUE(rr);
    EXPECT_FALSE(ds_rdata(rr->owner, rr->rdata, 3).has_value());
}

TEST(Algorithms, NamesNumbersAndRefusals) {
    EXPECT_EQ(algorithm_from_text("ecdsap256sha256").value(), alg::ecdsap256sha256);
    EXPECT_EQ(algorithm_from_text("ED25519").value(), alg::ed25519);
    EXPECT_EQ(algorithm_from_text("16").value(), alg::ed448);
    EXPECT_EQ(algorithm_from_text("8").value(), alg::rsasha256);
    auto sha1 = algorithm_from_text("rsasha1");
    ASSERT_FALSE(sha1);
    EXPECT_NE(sha1.error().message.find("not supported"), std::string::npos);
    auto unknown = algorithm_from_text("rot13");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("unknown algorithm"), std::string::npos);
    EXPECT_FALSE(algorithm_from_text("300"));
}

TEST(Rfc8078, DeleteFormsAreTheSpecifiedRdata) {
    // CDS "0 0 0 00" and CDNSKEY "0 3 0 AA==".
    EXPECT_EQ(cds_delete_rdata(), (Bytes{0, 0, 0, 0, 0}));
    EXPECT_EQ(cdnskey_delete_rdata(), (Bytes{0, 0, 3, 0, 0}));
}

TEST(Encoding, Base32HexIsRfc4648WithoutPadding) {
    // RFC 4648 §10 test vectors, lowercased and unpadded as NSEC3 owner labels use them.
    EXPECT_EQ(base32hex_encode(Bytes{'f'}), "co");
    EXPECT_EQ(base32hex_encode(Bytes{'f', 'o', 'o', 'b', 'a', 'r'}), "cpnmuoj1e8");
    EXPECT_EQ(base64_encode(Bytes{'f', 'o', 'o', 'b'}), "Zm9vYg==");
    EXPECT_EQ(base64_decode("Zm9v YmE=").value(), (Bytes{'f', 'o', 'o', 'b', 'a'}));
    EXPECT_FALSE(base64_decode("Zm9").has_value());
}

}  // namespace
}  // namespace zw::dns
