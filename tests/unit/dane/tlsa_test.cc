// TLSA data against an independent tool: certificates made by the `openssl` command in a
// temporary directory, the expected digests computed by `openssl x509 | openssl pkey |
// sha256sum` pipelines at run time, compared with what dane/tlsa.h computes.

#include "dane/tlsa.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace zw::dane {
namespace {

namespace fs = std::filesystem;

std::string shell(const std::string& command) {
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(command.c_str(), "r"), pclose);
    if (!p) return out;
    std::array<char, 256> buf{};
    while (std::fgets(buf.data(), buf.size(), p.get())) out += buf.data();
    return out;
}

// The first word of sha256sum/sha512sum output.
std::string digest_of(const std::string& pipeline) {
    std::string out = shell(pipeline);
    return out.substr(0, out.find(' '));
}

class TlsaTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / fmt::format("zw-tlsa-test-{}", ::getpid());
        fs::create_directories(dir_);
        // A CA and a leaf it issued, as an ACME CA and certbot would leave them: cert.pem,
        // chain.pem (the issuer), fullchain.pem (both), privkey.pem.
        std::string d = dir_.string();
        std::string cmd = fmt::format(
            "cd {0} && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
            "-keyout ca.key -out chain.pem -days 2 -subj /CN=zw-test-ca 2>/dev/null && "
            "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout privkey.pem "
            "-out leaf.csr -subj /CN=mail.example.test 2>/dev/null && "
            "openssl x509 -req -in leaf.csr -CA chain.pem -CAkey ca.key -CAcreateserial "
            "-out cert.pem -days 2 2>/dev/null && cat cert.pem chain.pem > fullchain.pem",
            d);
        ok_ = std::system(cmd.c_str()) == 0;
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }
    void SetUp() override {
        if (!ok_) GTEST_SKIP() << "the openssl command could not make test certificates";
    }
    static std::string file(const char* name) { return (dir_ / name).string(); }
    static std::string spki_digest(const char* cert, const char* sum) {
        return digest_of(fmt::format(
            "openssl x509 -in {} -noout -pubkey | openssl pkey -pubin -outform DER | {}",
            file(cert), sum));
    }
    static std::string cert_digest(const char* cert, const char* sum) {
        return digest_of(fmt::format("openssl x509 -in {} -outform DER | {}", file(cert), sum));
    }

    static inline fs::path dir_;
    static inline bool ok_ = false;
};

TlsaParams params(int u, int s, int m) { return tlsa_params(u, s, m).value(); }

TEST_F(TlsaTest, DaneEeSpkiSha256MatchesOpenssl) {
    auto r = tlsa_from_certificate(params(3, 1, 1), file("cert.pem"), "");
    ASSERT_TRUE(r) << r.error().message;
    std::string want = spki_digest("cert.pem", "sha256sum");
    ASSERT_EQ(want.size(), 64u);
    EXPECT_EQ(r->text(), "3 1 1 " + want);
    // fullchain.pem starts with the same certificate.
    auto full = tlsa_from_certificate(params(3, 1, 1), file("fullchain.pem"), "");
    ASSERT_TRUE(full);
    EXPECT_EQ(full->text(), r->text());
}

TEST_F(TlsaTest, DaneEeFullCertificateSha256MatchesOpenssl) {
    auto r = tlsa_from_certificate(params(3, 0, 1), file("cert.pem"), "");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->text(), "3 0 1 " + cert_digest("cert.pem", "sha256sum"));
}

TEST_F(TlsaTest, DaneTaTakesTheIssuerFromTheChain) {
    std::string want = "2 1 1 " + spki_digest("chain.pem", "sha256sum");
    auto r = tlsa_from_certificate(params(2, 1, 1), file("cert.pem"), file("chain.pem"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->text(), want);
    // fullchain.pem as the chain: the leaf is skipped, the issuer taken.
    auto f = tlsa_from_certificate(params(2, 1, 1), file("cert.pem"), file("fullchain.pem"));
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->text(), want);
    EXPECT_NE(want, "2 1 1 " + spki_digest("cert.pem", "sha256sum"));
}

TEST_F(TlsaTest, DaneEeSpkiSha512MatchesOpenssl) {
    auto r = tlsa_from_certificate(params(3, 1, 2), file("cert.pem"), "");
    ASSERT_TRUE(r) << r.error().message;
    std::string want = spki_digest("cert.pem", "sha512sum");
    ASSERT_EQ(want.size(), 128u);
    EXPECT_EQ(r->text(), "3 1 2 " + want);
    EXPECT_EQ(r->wire().size(), 3u + 64u);
}

TEST_F(TlsaTest, KeyFileGivesTheSameSpkiDigestAsItsCertificate) {
    auto cert = tlsa_from_certificate(params(3, 1, 1), file("cert.pem"), "");
    auto priv = tlsa_from_key(params(3, 1, 1), file("privkey.pem"));
    ASSERT_TRUE(cert && priv) << (priv ? "" : priv.error().message);
    EXPECT_EQ(priv->text(), cert->text());
    shell(fmt::format("openssl pkey -in {} -pubout -out {} 2>/dev/null", file("privkey.pem"),
                      file("pub.pem")));
    auto pub = tlsa_from_key(params(3, 1, 1), file("pub.pem"));
    ASSERT_TRUE(pub) << pub.error().message;
    EXPECT_EQ(pub->text(), cert->text());
    auto sel0 = tlsa_from_key(params(3, 0, 1), file("pub.pem"));
    ASSERT_FALSE(sel0);
    EXPECT_NE(sel0.error().message.find("selector 1"), std::string::npos);
}

TEST_F(TlsaTest, BadInputNamesTheFile) {
    std::ofstream(file("empty.pem")).close();
    std::ofstream(file("junk.pem")) << "this is not a certificate\n";
    auto empty = tlsa_from_certificate(params(3, 1, 1), file("empty.pem"), "");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().kind, ErrorKind::bad_input);
    EXPECT_NE(empty.error().message.find(file("empty.pem")), std::string::npos);
    EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
    auto junk = tlsa_from_certificate(params(3, 1, 1), file("junk.pem"), "");
    ASSERT_FALSE(junk);
    EXPECT_NE(junk.error().message.find(file("junk.pem")), std::string::npos);
    EXPECT_NE(junk.error().message.find("no PEM certificate"), std::string::npos);
    auto missing = tlsa_from_certificate(params(3, 1, 1), file("absent.pem"), "");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().describe().find("absent.pem"), std::string::npos);
    // Usage 2 without a chain, or with a chain that did not issue the certificate.
    auto no_chain = tlsa_from_certificate(params(2, 1, 1), file("cert.pem"), "");
    ASSERT_FALSE(no_chain);
    EXPECT_NE(no_chain.error().message.find("chain"), std::string::npos);
    auto chain_missing =
        tlsa_from_certificate(params(2, 1, 1), file("cert.pem"), file("nochain.pem"));
    ASSERT_FALSE(chain_missing);
    EXPECT_NE(chain_missing.error().describe().find("nochain.pem"), std::string::npos);
    auto wrong = tlsa_from_certificate(params(2, 1, 1), file("cert.pem"), file("cert.pem"));
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("did not issue"), std::string::npos);
    auto not_key = tlsa_from_key(params(3, 1, 1), file("junk.pem"));
    ASSERT_FALSE(not_key);
    EXPECT_NE(not_key.error().message.find(file("junk.pem")), std::string::npos);
}

TEST(TlsaParamsTest, RefusesPkixUsagesAndExactMatching) {
    EXPECT_TRUE(tlsa_params(3, 1, 1));
    EXPECT_TRUE(tlsa_params(2, 0, 2));
    for (int u : {0, 1}) {
        auto r = tlsa_params(u, 1, 1);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find("RFC 7672"), std::string::npos);
    }
    auto exact = tlsa_params(3, 1, 0);
    ASSERT_FALSE(exact);
    EXPECT_NE(exact.error().message.find("RFC 7671"), std::string::npos);
    EXPECT_FALSE(tlsa_params(4, 1, 1));
    EXPECT_FALSE(tlsa_params(3, 2, 1));
    EXPECT_FALSE(tlsa_params(3, 1, 3));
}

}  // namespace
}  // namespace zw::dane
