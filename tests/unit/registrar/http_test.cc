// HTTP helpers, Gandi error mapping and credential sources: no network involved.
#include "registrar/http.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "registrar/credentials.h"
#include "registrar/gandi.h"

namespace zw::registrar {
namespace {

TEST(Http, SecretHeadersAreRedacted) {
    Headers h{{"Authorization", "Bearer s3cret"},
              {"X-Ovh-Signature", "$1$abc"},
              {"x-ovh-consumer", "ck"},
              {"X-Ovh-Application", "ak"},
              {"Accept", "application/json"}};
    auto text = loggable_headers(h);
    EXPECT_EQ(text.find("s3cret"), std::string::npos);
    EXPECT_EQ(text.find("$1$abc"), std::string::npos);
    EXPECT_EQ(text.find(": ck"), std::string::npos);
    EXPECT_NE(text.find("Authorization: <redacted>"), std::string::npos);
    EXPECT_NE(text.find("Accept: application/json"), std::string::npos);
}

TEST(Http, RetryAfterAndCaseInsensitiveHeaders) {
    HttpResponse r;
    r.headers = {{"retry-after", "17"}};
    EXPECT_EQ(retry_after(r), Seconds(17));
    r.headers = {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}};
    EXPECT_FALSE(retry_after(r).has_value());
}

TEST(Http, PlainHttpIsRefused) {
    NullLogSink log;
    HttpClient c(HttpOptions{}, log, "t");
    auto r = c.send(HttpRequest{"GET", "http://127.0.0.1:1/", {}, ""});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid);
}

TEST(Gandi, ErrorsMapToKindsWithTheApiMessage) {
    HttpResponse r;
    r.status = 400;
    r.body = R"({"code":400,"message":"Bad Request","object":"HTTPBadRequest","cause":"",
                "errors":[{"location":"body","name":"public_key","description":"too short"}]})";
    auto e = gandi_error(r, "add");
    EXPECT_EQ(e.kind, ErrorKind::invalid);
    EXPECT_NE(e.message.find("public_key: too short"), std::string::npos);
    for (auto [status, kind] :
         std::initializer_list<std::pair<int, ErrorKind>>{{401, ErrorKind::authentication},
                                                          {403, ErrorKind::authentication},
                                                          {404, ErrorKind::not_found},
                                                          {409, ErrorKind::in_progress},
                                                          {429, ErrorKind::transient},
                                                          {500, ErrorKind::transient},
                                                          {503, ErrorKind::transient}}) {
        r.status = status;
        r.body = "not json";
        EXPECT_EQ(gandi_error(r, "x").kind, kind) << status;
    }
}

class Secrets : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("zw-secret-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text, mode_t mode) {
        auto p = (dir_ / name).string();
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
    std::filesystem::path dir_;
};

TEST_F(Secrets, FileEnvironmentAndPermissions) {
    EXPECT_EQ(*read_secret({write("t", "tok\n", 0600), ""}, "t"), "tok");
    auto open = read_secret({write("o", "tok\n", 0644), ""}, "t");
    ASSERT_FALSE(open);
    EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
    ::setenv("ZW_TEST_SECRET", "envtok", 1);
    EXPECT_EQ(*read_secret({"", "ZW_TEST_SECRET"}, "t"), "envtok");
    EXPECT_FALSE(read_secret({"", "ZW_TEST_SECRET_UNSET"}, "t").has_value());
    EXPECT_FALSE(read_secret({}, "t").has_value());
}

TEST_F(Secrets, TsigKeyFiles) {
    auto k = read_tsig_key_file(write("k",
                                      "key \"zw-registrar\" {\n\talgorithm hmac-sha256;\n"
                                      "\tsecret \"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\";\n};\n",
                                      0600));
    ASSERT_TRUE(k) << k.error().describe();
    EXPECT_EQ(k->name, "zw-registrar.");
    EXPECT_EQ(k->secret, "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0");
    auto md5 =
        read_tsig_key_file(write("m", "key \"a\" { algorithm hmac-md5; secret \"AAAA\"; };", 0600));
    ASSERT_FALSE(md5);
    EXPECT_NE(md5.error().message.find("hmac-sha256"), std::string::npos);
}

}  // namespace
}  // namespace zw::registrar

#include "registrar/ovh.h"

namespace zw::registrar {
namespace {

TEST(Ovh, SignatureMatchesTheDocumentedRecipe) {
    // "$1$" + sha1("AS+CK+METHOD+URL+BODY+TS"), computed independently with Python's hashlib.
    EXPECT_EQ(
        ovh_signature("AS", "CK", "POST", "https://eu.api.ovh.com/1.0/domain/child.test/dsRecord",
                      R"({"keys":[]})", 1700000000),
        "$1$4b1910bb5a76ef2e29312b58e92e6e7b490f93cc");
}

TEST(Ovh, ErrorsMapToKinds) {
    HttpResponse r;
    r.status = 400;
    r.body =
        R"({"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"})";
    EXPECT_EQ(ovh_error(r, "x").kind, ErrorKind::authentication);
    r.body =
        R"({"errorCode":"QUERY_TIME_OUT","httpCode":"400 Bad Request","message":"Query out of time"})";
    EXPECT_EQ(ovh_error(r, "x").kind, ErrorKind::transient);
    r.body = R"({"class":"Client::BadRequest","message":"Too many keys"})";
    auto e = ovh_error(r, "x");
    EXPECT_EQ(e.kind, ErrorKind::invalid);
    EXPECT_NE(e.message.find("Too many keys"), std::string::npos);
    r.status = 403;
    r.body =
        R"({"errorCode":"INVALID_CREDENTIAL","httpCode":"403 Forbidden","message":"This credential is not valid"})";
    EXPECT_EQ(ovh_error(r, "x").kind, ErrorKind::authentication);
    r.status = 404;
    r.body = R"({"class":"Client::NotFound","message":"This service does not exist"})";
    EXPECT_EQ(ovh_error(r, "x").kind, ErrorKind::not_found);
    r.status = 409;
    EXPECT_EQ(ovh_error(r, "x").kind, ErrorKind::in_progress);
    r.status = 503;
    EXPECT_EQ(ovh_error(r, "x").kind, ErrorKind::transient);
}

TEST(Ovh, CredentialsNeedAllThreeParts) {
    EXPECT_TRUE(ovh_credentials(
        R"({"application_key":"a","application_secret":"b","consumer_key":"c"})", {}));
    EXPECT_FALSE(ovh_credentials(R"({"application_key":"a","consumer_key":"c"})", {}));
    EXPECT_FALSE(ovh_credentials("a b c", {}));
}

}  // namespace
}  // namespace zw::registrar
