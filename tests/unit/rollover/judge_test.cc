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
