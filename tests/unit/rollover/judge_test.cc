#include "rollover/judge.h"

#include <gtest/gtest.h>

namespace zw::rollover {
namespace {

using namespace std::chrono_literals;
const Instant now{Seconds{1'800'000'000}};

ServerAnswer ok(std::string name, bool serves = true) {
    return ServerAnswer{std::move(name), true, serves, true, 2024010101u, 3600s};
}

TEST(Judge, ConfirmedWhenEveryServerServesIt) {
    Expectation e{5, Record::ds, Expect::present, std::nullopt};
    std::vector<ServerAnswer> a{ok("a"), ok("b"), ok("c")};
    a[1].ttl = 7200s;
    Observation o = judge(e, a, now);
    EXPECT_EQ(o.verdict, Verdict::confirmed);
    EXPECT_EQ(o.ttl, 7200s);
    EXPECT_EQ(o.at, now);
    EXPECT_EQ(o.key, 5u);
}

TEST(Judge, OneSilentServerIsUnreachableNeverAPass) {
    Expectation e{5, Record::dnskey, Expect::present, std::nullopt};
    std::vector<ServerAnswer> a{ok("a"), ok("b")};
    a[1].answered = false;
    Observation o = judge(e, a, now);
    EXPECT_EQ(o.verdict, Verdict::unreachable);
    EXPECT_NE(o.detail.find("b: no answer"), std::string::npos);
    EXPECT_FALSE(o.ttl);
}

TEST(Judge, OneServerLaggingIsRefuted) {
    Expectation e{5, Record::dnskey, Expect::absent, std::nullopt};
    std::vector<ServerAnswer> a{ok("a", false), ok("b", true)};
    Observation o = judge(e, a, now);
    EXPECT_EQ(o.verdict, Verdict::refuted);
    EXPECT_NE(o.detail.find("b: still serves it"), std::string::npos);
}

TEST(Judge, OldSerialOrUnvalidatedAnswerProvesNothing) {
    Expectation e{5, Record::zrrsig, Expect::present, 2024010102u};
    std::vector<ServerAnswer> a{ok("a")};
    EXPECT_EQ(judge(e, a, now).verdict, Verdict::refuted);  // serial 2024010101 too old
    a[0].serial = 2024010102u;
    EXPECT_EQ(judge(e, a, now).verdict, Verdict::confirmed);
    a[0].validated = false;
    EXPECT_EQ(judge(e, a, now).verdict, Verdict::refuted);
}

TEST(Judge, NoServersIsNotAPass) {
    Expectation e{5, Record::ds, Expect::absent, std::nullopt};
    EXPECT_EQ(judge(e, {}, now).verdict, Verdict::refuted);
}

}  // namespace
}  // namespace zw::rollover

namespace zw::rollover {
namespace {

using namespace std::chrono_literals;

TEST(JudgeSets, DsSetMustEqualWithTheDifferenceNamed) {
    const Instant at{Seconds{1'800'000'000}};
    Expectation e{7, Record::ds, Expect::present, std::nullopt,
                  std::vector<std::string>{"111 13 2 AA", "222 13 2 BB"}};
    ServerAnswer same{
        "ns1/192.0.2.1", true, true, true, std::nullopt, 86400s, {"222 13 2 BB", "111 13 2 AA"}};
    ServerAnswer differs{
        "ns2/192.0.2.2", true, true, true, std::nullopt, 86400s, {"111 13 2 AA", "333 13 2 CC"}};
    std::vector<ServerAnswer> a{same};
    EXPECT_EQ(judge(e, a, at).verdict, Verdict::confirmed);
    a.push_back(differs);
    Observation o = judge(e, a, at);
    EXPECT_EQ(o.verdict, Verdict::refuted);
    EXPECT_NE(o.detail.find("ns2/192.0.2.2: missing {222 13 2 BB}, unexpected {333 13 2 CC}"),
              std::string::npos)
        << o.detail;
    EXPECT_EQ(o.detail.find("ns1/"), std::string::npos);  // the agreeing server is not blamed
    // An empty expected set (DS removed) is satisfied only by servers serving none.
    Expectation none{7, Record::ds, Expect::absent, std::nullopt, std::vector<std::string>{}};
    EXPECT_EQ(judge(none, a, at).verdict, Verdict::refuted);
    ServerAnswer empty{"ns3", true, false, true, std::nullopt, std::nullopt, {}};
    EXPECT_EQ(judge(none, std::vector<ServerAnswer>{empty}, at).verdict, Verdict::confirmed);
}

TEST(JudgeSets, SerialComparesInRfc1982Arithmetic) {
    const Instant at{Seconds{1'800'000'000}};
    Expectation e{5, Record::dnskey, Expect::present, 0xfffffff0u};
    ServerAnswer wrapped{"a", true, true, true, 5u, 60s};  // 5 is 21 after 0xfffffff0
    EXPECT_EQ(judge(e, std::vector<ServerAnswer>{wrapped}, at).verdict, Verdict::confirmed);
    ServerAnswer older{"b", true, true, true, 0xffffff00u, 60s};
    Observation o = judge(e, std::vector<ServerAnswer>{wrapped, older}, at);
    EXPECT_EQ(o.verdict, Verdict::refuted);
    EXPECT_NE(o.detail.find("b: serial 4294967040 older than 4294967280"), std::string::npos)
        << o.detail;
}

TEST(JudgeSets, ReasonsArePassedThroughPerServer) {
    const Instant at{Seconds{1'800'000'000}};
    Expectation e{5, Record::ds, Expect::present, std::nullopt};
    ServerAnswer down{"p1", false, false, false, std::nullopt, std::nullopt, {}, "timeout"};
    ServerAnswer bogus{"p2",         true, true, false,
                       std::nullopt, 60s,  {},   "RRSIG by key 4711 does not verify"};
    Observation o = judge(e, std::vector<ServerAnswer>{down, bogus}, at);
    EXPECT_EQ(o.verdict, Verdict::unreachable);
    EXPECT_NE(o.detail.find("p1: no answer (timeout)"), std::string::npos);
    EXPECT_NE(o.detail.find("p2: answer did not validate (RRSIG by key 4711 does not verify)"),
              std::string::npos);
}

}  // namespace
}  // namespace zw::rollover
