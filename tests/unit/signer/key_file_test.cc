#include "signer/key_directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "../../testutil/temp_dir.h"

namespace zw::signer {
namespace {

const Instant t0{Seconds{1764000000}};

mode_t mode_of(const std::string& path) {
    struct stat st{};
    ::stat(path.c_str(), &st);
    return st.st_mode & 07777;
}

class KeyRoundTrip : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(KeyRoundTrip, GeneratedKeysSurviveWriteAndRead) {
    testutil::TempDir dir;
    std::string key_dir = dir.file("keys");
    auto zone = dns::Name::from_text("example.test.").value();
    auto key = generate_key(zone, GetParam(), KeyRole::ksk, 0, t0);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_TRUE(key->is_ksk());
    auto base = write_key_pair(key_dir, *key, KeyRole::ksk);
    ASSERT_TRUE(base) << base.error().message;
    EXPECT_EQ(mode_of(key_dir), 0700u);
    EXPECT_EQ(mode_of(*base + ".private"), 0600u);
    auto back = read_key_pair(*base + ".private");
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(back->dnskey_rdata(), key->dnskey_rdata());
    EXPECT_EQ(back->tag(), key->tag());
    EXPECT_EQ(back->timing().activate, t0);
    auto all = read_zone_keys(key_dir, zone);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 1u);
    // Writing the same key again must not overwrite it.
    EXPECT_FALSE(write_key_pair(key_dir, *key, KeyRole::ksk));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, KeyRoundTrip,
                         ::testing::Values(dns::alg::rsasha256, dns::alg::ecdsap256sha256, dns::alg::ecdsap384sha384,
                                           dns::alg::ed25519, dns::alg::ed448));

// Private keys published with RFC 6605 §6.1 and RFC 8080 §6; the public key derived from
// each must be the DNSKEY printed beside it.
TEST(KeyFile, ReadsRfcExamplePrivateKeysInBindV12Format) {
    testutil::TempDir dir;
    struct Case {
        const char* base;
        const char* priv;
        const char* pub;
    } cases[] = {
        {"Kexample.net.+013+55648", "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                                    "PrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\n",
         "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+"
         "e+MAnLr+Wi9xMWyQLc8NAA==\n"},
        {"Kexample.com.+015+03613", "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n"
                                    "PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n",
         "; ldns-keygen style comment\nexample.com. 3600 IN DNSKEY 257 3 15 "
         "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= ;{id = 3613 (ksk), size = 256b}\n"},
    };
    for (const auto& c : cases) {
        dir.write(std::string(c.base) + ".private", c.priv);
        dir.write(std::string(c.base) + ".key", c.pub);
        auto key = read_key_pair(dir.file(c.base));
        ASSERT_TRUE(key) << key.error().describe();
        EXPECT_EQ(key->base_name(), c.base);
    }
}

TEST(KeyFile, MismatchedPublicHalfIsRefused) {
    testutil::TempDir dir;
    dir.write("Kexample.com.+015+03613.private",
              "Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\nPrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n");
    dir.write("Kexample.com.+015+03613.key",
              "example.com. IN DNSKEY 257 3 15 Ma6Er5mTKkNRT3p3jTTXW/ryv09cvVUcXp6Y9O/XUfM=\n");
    auto key = read_key_pair(dir.file("Kexample.com.+015+03613.key"));
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message.find("does not hold the public half"), std::string::npos);
}

TEST(KeyFile, BadFieldsNameTheFileAndLine) {
    testutil::TempDir dir;
    dir.write("Kexample.com.+013+00001.private",
              "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: not*base64\n");
    dir.write("Kexample.com.+013+00001.key", "example.com. IN DNSKEY 257 3 13 AAAA\n");
    auto key = read_key_pair(dir.file("Kexample.com.+013+00001"));
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().describe().find(".private:3:"), std::string::npos) << key.error().describe();

    dir.write("Kexample.com.+005+00002.private", "Private-key-format: v1.3\nAlgorithm: 5 (RSASHA1)\n");
    auto sha1 = read_key_pair(dir.file("Kexample.com.+005+00002"));
    ASSERT_FALSE(sha1);
    EXPECT_NE(sha1.error().describe().find("not supported"), std::string::npos);
}

TEST(KeyFile, KeygenRefusesAKeyDirectoryOthersCanRead) {
    testutil::TempDir dir;
    std::string key_dir = dir.file("open");
    ::mkdir(key_dir.c_str(), 0755);
    auto zone = dns::Name::from_text("example.test.").value();
    auto key = generate_key(zone, dns::alg::ed25519, KeyRole::zsk, 0, t0).value();
    auto r = write_key_pair(key_dir, key, KeyRole::zsk);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("chmod 700"), std::string::npos);
}

TEST(KeyTiming, PublishActivateInactiveDelete) {
    KeyTiming t{std::nullopt, t0, t0 + Seconds{10}, t0 + Seconds{20}, t0 + Seconds{30}};
    EXPECT_FALSE(t.published_at(t0 - Seconds{1}));
    EXPECT_TRUE(t.published_at(t0));
    EXPECT_FALSE(t.active_at(t0 + Seconds{5}));
    EXPECT_TRUE(t.active_at(t0 + Seconds{10}));
    EXPECT_FALSE(t.active_at(t0 + Seconds{20}));
    EXPECT_TRUE(t.published_at(t0 + Seconds{25}));
    EXPECT_FALSE(t.published_at(t0 + Seconds{30}));
    KeyTiming publish_only{std::nullopt, t0, std::nullopt, std::nullopt, std::nullopt};
    EXPECT_TRUE(publish_only.published_at(t0));
    EXPECT_FALSE(publish_only.active_at(t0 + Seconds{86400}));
    EXPECT_TRUE(KeyTiming{}.active_at(t0));  // no metadata at all: publish and sign
}

}  // namespace
}  // namespace zw::signer

namespace zw::signer {
namespace {

// ldns-keygen and dnssec-keygen write a P-256 scalar with a leading zero octet as 31
// octets; such keys must load and match their DNSKEY.
TEST(KeyFile, ShortEcdsaScalarsArePadded) {
    const char* data = std::getenv("ZW_TESTDATA");
    ASSERT_NE(data, nullptr);
    for (const char* base : {"Kexample.test.+013+49767", "Kexample.test.+013+62739"}) {
        auto key = read_key_pair(std::string(data) + "/keys/short-scalar-p256/" + base);
        ASSERT_TRUE(key) << key.error().describe();
        EXPECT_EQ(key->base_name(), base);
    }
}

}  // namespace
}  // namespace zw::signer
