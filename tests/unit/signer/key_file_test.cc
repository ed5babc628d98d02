#include "signer/key_directory.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>

#include "../../testutil/temp_dir.h"

namespace zw::signer {
namespace {

const Instant t0{Seconds{1764000000}};

mode_t mode_of(const std::string& path) {
    struct stat st {};
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
                         ::testing::Values(dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                                           dns::alg::ecdsap384sha384, dns::alg::ed25519,
                                           dns::alg::ed448));

// Private keys published with RFC 6605 §6.1 and RFC 8080 §6; the public key derived from
// each must be the DNSKEY printed beside it.
TEST(KeyFile, ReadsRfcExamplePrivateKeysInBindV12Format) {
    testutil::TempDir dir;
    struct Case {
        const char* base;
        const char* priv;
        const char* pub;
    } cases[] = {
        {"Kexample.net.+013+55648",
         "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
         "PrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\n",
         "example.net. 3600 IN DNSKEY 257 3 13 "
         "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+"
         "e+MAnLr+Wi9xMWyQLc8NAA==\n"},
        {"Kexample.com.+015+03613",
         "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n"
         "PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n",
         "; ldns-keygen style comment\nexample.com. 3600 IN DNSKEY 257 3 15 "
         "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= ;{id = 3613 (ksk), size = 256b}\n"},
    };
    for (const auto& c : cases) {
        dir.write_private(std::string(c.base) + ".private", c.priv);
        dir.write(std::string(c.base) + ".key", c.pub);
        auto key = read_key_pair(dir.file(c.base));
        ASSERT_TRUE(key) << key.error().describe();
        EXPECT_EQ(key->base_name(), c.base);
    }
}

TEST(KeyFile, MismatchedPublicHalfIsRefused) {
    testutil::TempDir dir;
    dir.write_private("Kexample.com.+015+03613.private",
                      "Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\nPrivateKey: "
                      "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n");
    dir.write("Kexample.com.+015+03613.key",
              "example.com. IN DNSKEY 257 3 15 Ma6Er5mTKkNRT3p3jTTXW/ryv09cvVUcXp6Y9O/XUfM=\n");
    auto key = read_key_pair(dir.file("Kexample.com.+015+03613.key"));
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message.find("does not hold the public half"), std::string::npos);
}

TEST(KeyFile, BadFieldsNameTheFileAndLine) {
    testutil::TempDir dir;
    dir.write_private(
        "Kexample.com.+013+00001.private",
        "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: not*base64\n");
    dir.write("Kexample.com.+013+00001.key", "example.com. IN DNSKEY 257 3 13 AAAA\n");
    auto key = read_key_pair(dir.file("Kexample.com.+013+00001"));
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().describe().find(".private:3:"), std::string::npos)
        << key.error().describe();

    dir.write_private("Kexample.com.+005+00002.private",
                      "Private-key-format: v1.3\nAlgorithm: 5 (RSASHA1)\n");
    auto sha1 = read_key_pair(dir.file("Kexample.com.+005+00002"));
    ASSERT_FALSE(sha1);
    EXPECT_NE(sha1.error().describe().find("not supported"), std::string::npos);
}

// One rule for key directories, writing and reading alike: one that group or others may
// write is refused (whoever can write there can plant or remove a key).
TEST(KeyFile, KeyDirectoriesOthersMayWriteAreRefusedForWritingAndReading) {
    testutil::TempDir dir;
    auto zone = dns::Name::from_text("example.test.").value();
    auto key = generate_key(zone, dns::alg::ed25519, KeyRole::zsk, 0, t0).value();
    for (mode_t mode : {0775, 0757, 0777}) {
        std::string key_dir = dir.file(fmt::format("open{:o}", mode));
        ::mkdir(key_dir.c_str(), 0700);
        ::chmod(key_dir.c_str(), mode);
        auto w = write_key_pair(key_dir, key, KeyRole::zsk);
        ASSERT_FALSE(w) << fmt::format("{:o}", mode);
        EXPECT_NE(w.error().message.find("chmod go-w"), std::string::npos) << w.error().message;
        auto r = read_zone_keys(key_dir, zone);
        ASSERT_FALSE(r) << fmt::format("{:o}", mode);
        EXPECT_NE(r.error().message.find("writable by"), std::string::npos) << r.error().message;
    }
    // Readable by others is not a risk for the directory: the private files are 0600.
    std::string readable = dir.file("readable");
    ::mkdir(readable.c_str(), 0755);
    ::chmod(readable.c_str(), 0755);
    ASSERT_TRUE(write_key_pair(readable, key, KeyRole::zsk));
    EXPECT_TRUE(read_zone_keys(readable, zone));
}

// A private key that others may read, or its group write, is not read.
TEST(KeyFile, APrivateKeyOpenToOthersIsRefused) {
    testutil::TempDir dir;
    std::string key_dir = dir.file("keys");
    auto zone = dns::Name::from_text("example.test.").value();
    auto key = generate_key(zone, dns::alg::ecdsap256sha256, KeyRole::zsk, 0, t0).value();
    auto base = write_key_pair(key_dir, key, KeyRole::zsk).value();
    for (mode_t mode : {0666, 0604, 0620}) {
        ::chmod((base + ".private").c_str(), mode);
        auto r = read_key_pair(base);
        ASSERT_FALSE(r) << fmt::format("{:o}", mode);
        EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos) << r.error().message;
    }
    ::chmod((base + ".private").c_str(), 0640);  // a name server's group may read
    EXPECT_TRUE(read_key_pair(base));
}

// A FIFO where a key file should be must not block the reader.
TEST(KeyFile, AFifoInPlaceOfAKeyFileIsRefusedAtOnce) {
    testutil::TempDir dir;
    auto fifo = dir.file("Kexample.test.+013+00001.private");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    dir.write("Kexample.test.+013+00001.key", "example.test. IN DNSKEY 256 3 13 AAAA\n");
    auto r = read_key_pair(dir.file("Kexample.test.+013+00001"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("a FIFO"), std::string::npos) << r.error().message;
}

// The disk fills at every possible byte while keygen writes a pair (RLIMIT_FSIZE, so
// write(2) fails with EFBIG there): either both halves are in place or neither, and no
// temporary file is left. Writing the .private in place before the .key was written left
// a .private alone, which made every later `sign` of the zone fail.
TEST(KeyFile, AFullDiskLeavesBothHalvesOrNeither) {
    testutil::TempDir dir;
    auto zone = dns::Name::from_text("example.test.").value();
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGXFSZ, &ignore, &old);
    int failures = 0;
    for (rlim_t limit = 0; limit <= 2048; limit += 16) {
        std::string key_dir = dir.file(fmt::format("keys{}", limit));
        auto key = generate_key(zone, dns::alg::rsasha256, KeyRole::ksk, 1024, t0).value();
        rlimit saved{};
        ::getrlimit(RLIMIT_FSIZE, &saved);
        rlimit small{limit, saved.rlim_max};
        ::setrlimit(RLIMIT_FSIZE, &small);
        auto written = write_key_pair(key_dir, key, KeyRole::ksk);
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::size_t keys = 0, privates = 0, others = 0;
        for (const auto& e : std::filesystem::directory_iterator(key_dir)) {
            const auto name = e.path().filename().string();
            if (name.ends_with(".key")) {
                ++keys;
            } else if (name.ends_with(".private")) {
                ++privates;
            } else {
                ++others;
            }
        }
        EXPECT_EQ(keys, privates) << "limit " << limit;
        EXPECT_EQ(others, 0u) << "limit " << limit;
        EXPECT_EQ(keys, written ? 1u : 0u) << "limit " << limit;
        if (written) {
            EXPECT_TRUE(read_zone_keys(key_dir, zone)) << "limit " << limit;
        } else {
            ++failures;
        }
    }
    ::sigaction(SIGXFSZ, &old, nullptr);
    EXPECT_GT(failures, 10);  // the sweep did reach the writes
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
    // A checkout does not keep file modes: the keys are read from a copy made private.
    testutil::TempDir dir;
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(data) + "/keys/short-scalar-p256")) {
        const auto copy = dir.file(e.path().filename().string());
        std::filesystem::copy_file(e.path(), copy);
        std::filesystem::permissions(
            copy, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
    for (const char* base : {"Kexample.test.+013+49767", "Kexample.test.+013+62739"}) {
        auto key = read_key_pair(dir.file(base));
        ASSERT_TRUE(key) << key.error().describe();
        EXPECT_EQ(key->base_name(), base);
    }
}

}  // namespace
}  // namespace zw::signer
