// The liveness property: whatever an operator asks, at whatever moment (while the zone is
// being secured, in any phase of another request, while it is offboarded, twice in a row),
// the request finishes within a bound computed from the policy and the world's delays, and
// the safety property holds at every second on the way. And the test can fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "liveness_run.h"

namespace zw::rollover::sim {
namespace {

// 1000 seeds per request kind; ZW_LIVENESS_SEEDS overrides (20 while debugging, 100000 for
// a soak), ZW_LIVENESS_FIRST_SEED starts elsewhere (to replay one counterexample).
std::uint64_t seeds() {
    if (const char* s = std::getenv("ZW_LIVENESS_SEEDS")) return std::stoull(s);
    return 1000;
}
std::uint64_t first_seed() {
    if (const char* s = std::getenv("ZW_LIVENESS_FIRST_SEED")) return std::stoull(s);
    return 1;
}

class LivenessProperty : public ::testing::TestWithParam<Request> {};

TEST_P(LivenessProperty, EveryRequestFinishesWithinItsBoundAndEverySecondIsSafe) {
    const std::uint64_t n = seeds();
    std::map<Moment, int> runs;
    int unsettled = 0, refused = 0;
    double worst = 0;
    for (std::uint64_t seed = first_seed(); seed < first_seed() + n; ++seed) {
        LivenessResult r = run_liveness(GetParam(), seed);
        ASSERT_TRUE(r.safe) << r.report;
        ASSERT_TRUE(r.finished) << r.report;
        ++runs[r.moment];
        unsettled += r.arrived_unsettled;
        refused += r.refused;
        if (r.allowed.count() > 0)
            worst = std::max(worst, static_cast<double>(r.took.count()) /
                                        static_cast<double>(r.allowed.count()));
    }
    // Every kind of moment was tried (a quarter of the seeds each, give or take), and most
    // requests found the zone in the middle of something.
    for (Moment m : all_moments) EXPECT_GE(runs[m] * 8, static_cast<int>(n)) << name(m);
    EXPECT_GE(unsettled * 2, static_cast<int>(n));
    std::cout << name(GetParam()) << ": " << n << " seeds, " << unsettled
              << " requests arriving while another was unfinished, " << refused
              << " refused while offboarding; the slowest request used "
              << static_cast<int>(worst * 100) << "% of its bound\n";
}

INSTANTIATE_TEST_SUITE_P(AllRequests, LivenessProperty, ::testing::ValuesIn(tested_requests),
                         [](const auto& info) {
                             std::string s(name(info.param));
                             for (auto& c : s)
                                 if (c == '-') c = '_';
                             return s;
                         });

// A record caught half-way by a change of goal that turns back at once deadlocks (issue
// 22): the test must catch it, with the waits and the timeline.
TEST(LivenessPropertyCanFail, TurningBackMidwayIsCaught) {
    TestHooks hooks;
    hooks.turn_back_midway = true;
    for (Request kind : {Request::ksk, Request::offboard, Request::onboard_again}) {
        std::optional<LivenessResult> failure;
        for (std::uint64_t seed = 1; seed <= 200 && !failure; ++seed) {
            LivenessResult r = run_liveness(kind, seed, hooks);
            if (!r.finished) failure = r;
        }
        ASSERT_TRUE(failure) << name(kind) << ": the deadlocking engine was never caught";
        EXPECT_NE(failure->report.find("not finished by the deadline"), std::string::npos);
        EXPECT_NE(failure->report.find("the engine says stuck"), std::string::npos);
        EXPECT_NE(failure->report.find("engine: key"), std::string::npos);
        std::cout << "counterexample found as expected:\n"
                  << failure->report.substr(0, 3000) << "\n";
    }
}

// Turning back is unsafe as well: the swap equations (3c, 3d, 3g, 3h) read "unretentive" as
// "was in every cache", which a record that turned back never was. The safety check at
// every instant must catch it.
TEST(LivenessPropertyCanFail, TurningBackMidwayIsUnsafeToo) {
    TestHooks hooks;
    hooks.turn_back_midway = true;
    std::optional<LivenessResult> failure;
    for (std::uint64_t seed = 1; seed <= 400 && !failure; ++seed) {
        LivenessResult r = run_liveness(Request::ksk, seed, hooks);
        if (!r.safe) failure = r;
    }
    ASSERT_TRUE(failure) << "the unsafe engine was never caught";
    EXPECT_NE(failure->report.find("fails to validate"), std::string::npos);
    std::cout << "counterexample found as expected:\n" << failure->report.substr(0, 3000) << "\n";
}

}  // namespace
}  // namespace zw::rollover::sim
