// The pure half of dane-check: which TLSA records are usable (RFC 7672 §3.1) and how
// verdicts combine into the exit code.

#include "dane/check.h"

#include <gtest/gtest.h>

namespace zw::dane {
namespace {

dns::Bytes rdata(std::uint8_t u, std::uint8_t s, std::uint8_t m, std::size_t len) {
    dns::Bytes out{u, s, m};
    out.resize(3 + len, 0xab);
    return out;
}

TEST(JudgeRecordTest, DaneUsagesWithKnownParametersAreUsable) {
    EXPECT_TRUE(judge_record(rdata(3, 1, 1, 32)).usable);
    EXPECT_TRUE(judge_record(rdata(2, 0, 2, 64)).usable);
    EXPECT_TRUE(judge_record(rdata(3, 1, 0, 91)).usable);  // Full(0): any length
}

TEST(JudgeRecordTest, PkixUnknownAndMalformedRecordsAreUnusable) {
    for (const auto& [rd, why] : std::vector<std::pair<dns::Bytes, std::string>>{
             {rdata(0, 1, 1, 32), "RFC 7672 §3.1.3"},
             {rdata(1, 1, 1, 32), "PKIX"},
             {rdata(4, 1, 1, 32), "unknown usage 4"},
             {rdata(3, 2, 1, 32), "unknown selector 2"},
             {rdata(3, 1, 3, 32), "unknown matching type 3"},
             {rdata(3, 1, 1, 31), "31 octets of data for a 32-octet digest"},
             {rdata(3, 1, 2, 32), "32 octets of data for a 64-octet digest"},
             {dns::Bytes{3, 1}, "shorter"}}) {
        auto r = judge_record(rd);
        EXPECT_FALSE(r.usable) << why;
        EXPECT_NE(r.why_unusable.find(why), std::string::npos) << r.why_unusable;
    }
}

TEST(VerdictTest, FailOutranksNotDaneOutranksUncheckedOutranksPass) {
    EXPECT_EQ(worse(Verdict::pass, Verdict::unchecked), Verdict::unchecked);
    EXPECT_EQ(worse(Verdict::unchecked, Verdict::not_dane), Verdict::not_dane);
    EXPECT_EQ(worse(Verdict::fail, Verdict::not_dane), Verdict::fail);
    EXPECT_EQ(worse(Verdict::pass, Verdict::pass), Verdict::pass);
    EXPECT_EQ(exit_code(Verdict::pass), 0);
    EXPECT_EQ(exit_code(Verdict::fail), 1);
    EXPECT_EQ(exit_code(Verdict::not_dane), 1);
    EXPECT_EQ(exit_code(Verdict::unchecked), 3);
}

TEST(StartTlsTest, OnlySmtpIsBuilt) {
    EXPECT_EQ(starttls_from_text("smtp").value(), StartTls::smtp);
    for (const char* p : {"imap", "pop3", "xmpp"}) {
        auto r = starttls_from_text(p);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find("not built"), std::string::npos);
    }
    EXPECT_FALSE(starttls_from_text("ftp"));
}

}  // namespace
}  // namespace zw::dane
