// The last line of defence around a zone's pass: an exception fails that zone's pass with
// exit 4 and a message, and the passes after it still run; around a daemon's wake, an
// exception is reported and the next wake comes after the retry delay.
#include "app/pass_guard.h"

#include <gtest/gtest.h>

#include <functional>
#include <new>
#include <stdexcept>
#include <vector>

#include "base/log.h"

namespace zw::app {
namespace {

PassResult settled(std::string zone) {
    PassResult r;
    r.zone = std::move(zone);
    r.lines.push_back("settled");
    return r;
}

TEST(PassGuard, AnExceptionFailsThatZoneWithExit4AndTheOthersGoOn) {
    NullLogSink log;
    std::vector<std::pair<std::string, std::function<PassResult()>>> passes{
        {"a.example.", [] { return settled("a.example."); }},
        {"b.example.",
         []() -> PassResult { throw std::runtime_error("json type_error: comment is null"); }},
        {"c.example.", []() -> PassResult { throw std::bad_alloc(); }},
        {"d.example.", []() -> PassResult { throw 17; }},
        {"e.example.", [] { return settled("e.example."); }},
    };
    std::vector<PassResult> results;
    for (const auto& [zone, pass] : passes) results.push_back(guard_pass(zone, log, pass));
    ASSERT_EQ(results.size(), 5u);
    EXPECT_EQ(results[0].exit_code, 0);
    EXPECT_EQ(results[4].exit_code, 0);
    EXPECT_EQ(results[4].lines.front(), "settled");
    for (int i : {1, 2, 3}) {
        EXPECT_EQ(results[i].exit_code, 4) << i;
        EXPECT_EQ(results[i].zone, passes[i].first);
        ASSERT_EQ(results[i].lines.size(), 1u);
        EXPECT_NE(results[i].lines[0].find("internal error"), std::string::npos)
            << results[i].lines[0];
    }
    EXPECT_NE(results[1].lines[0].find("comment is null"), std::string::npos)
        << results[1].lines[0];
}

TEST(PassGuard, AWakeThatThrowsSleepsTheRetryDelayNeverZero) {
    using std::chrono::seconds;
    EXPECT_EQ(guard_wake([] { return seconds{3}; }, seconds{10}), seconds{3});
    EXPECT_EQ(guard_wake([]() -> Seconds { throw std::runtime_error("cannot list the zones"); },
                         seconds{10}),
              seconds{10});
    EXPECT_EQ(guard_wake([]() -> Seconds { throw 17; }, seconds{7}), seconds{7});
}

}  // namespace
}  // namespace zw::app
