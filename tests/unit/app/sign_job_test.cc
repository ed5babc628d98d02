// Every kind of bad input ends with exit code 2 and no output file.
#include "app/sign_job.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../../testutil/temp_dir.h"
#include "base/clock.h"
#include "signer/key_file.h"

namespace zw::app {
namespace {

const char* const good_zone =
    "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\nns1 A "
    "192.0.2.1\n";

class SignJobTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto zone = dns::Name::from_text("example.test.").value();
        Instant now = SystemClock{}.now();
        for (auto role : {signer::KeyRole::ksk, signer::KeyRole::zsk}) {
            auto key =
                signer::generate_key(zone, dns::alg::ecdsap256sha256, role, 0, now - Seconds{60})
                    .value();
            ASSERT_TRUE(signer::write_key_pair(dir.file("keys"), key, role));
        }
    }
    SignJob job(const std::string& zone_text) {
        SignJob j;
        j.zone_file = dir.write("in.zone", zone_text);
        j.origin = "example.test.";
        j.key_dir = dir.file("keys");
        j.out = dir.file("out.zone");
        j.params.now = SystemClock{}.now();
        return j;
    }
    bool output_exists() const { return std::filesystem::exists(dir.file("out.zone")); }
    testutil::TempDir dir;
};

TEST_F(SignJobTest, GoodZoneIsSignedAndWritten) {
    auto r = run_sign_job(job(good_zone));
    ASSERT_TRUE(r);
    EXPECT_TRUE(output_exists());
    EXPECT_EQ(r->serial, 1u);
    // Signing again with "increment" goes past the serial already written, not the input's.
    SignJob again = job(good_zone);
    again.serial = zones::SerialPolicy::increment;
    EXPECT_EQ(run_sign_job(again)->serial, 2u);
    EXPECT_EQ(run_sign_job(again)->serial, 3u);
}

TEST_F(SignJobTest, EachBadInputExitsTwoAndWritesNothing) {
    const std::string bad_zones[] = {
        "$ORIGIN example.test.\n@ 300 NS ns1\nns1 300 A 192.0.2.1\n",         // no SOA
        std::string(good_zone) + "www CNAME ns1\nwww A 192.0.2.2\n",          // CNAME + data
        std::string(good_zone) + "out.of.zone. A 192.0.2.3\n",                // outside origin
        std::string(good_zone) + "child NS ns.child\n",                       // missing glue
        std::string(good_zone) + "bad A 300.1.1.1\n",                         // syntax
        std::string(good_zone) + "@ SOA ns1 host 2 7200 3600 1209600 300\n",  // two SOAs
    };
    for (const auto& text : bad_zones) {
        auto r = run_sign_job(job(text));
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error(), 2) << text;
        EXPECT_FALSE(output_exists()) << text;
    }
}

TEST_F(SignJobTest, MissingKeysAndWrongOriginExitTwo) {
    SignJob j = job(good_zone);
    j.key_dir = dir.file("nokeys");
    EXPECT_EQ(run_sign_job(j).error(), 2);
    std::filesystem::create_directory(dir.file("empty"));
    j.key_dir = dir.file("empty");
    EXPECT_EQ(run_sign_job(j).error(), 2);
    j = job(good_zone);
    j.origin = "other.test.";
    EXPECT_EQ(run_sign_job(j).error(), 2);
    EXPECT_FALSE(output_exists());
}

TEST_F(SignJobTest, AFailedRunKeepsThePreviousOutput) {
    ASSERT_TRUE(run_sign_job(job(good_zone)));
    auto before = std::filesystem::file_size(dir.file("out.zone"));
    EXPECT_FALSE(run_sign_job(job(std::string(good_zone) + "broken A x\n")));
    EXPECT_EQ(std::filesystem::file_size(dir.file("out.zone")), before);
}

}  // namespace
}  // namespace zw::app
