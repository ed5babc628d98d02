// The safety property: over many random worlds, no resolver cache state consistent with
// the TTLs ever fails to validate, for every rollover kind — and the test can fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sim_run.h"

namespace zw::rollover::sim {
namespace {

// 1000 seeds per rollover kind; ZW_SAFETY_SEEDS overrides (e.g. 20 while debugging, or
// 100000 for a long soak).
std::uint64_t seeds() {
    if (const char* s = std::getenv("ZW_SAFETY_SEEDS")) return std::stoull(s);
    return 1000;
}

class SafetyProperty : public ::testing::TestWithParam<Kind> {};

TEST_P(SafetyProperty, EveryCacheStateValidatesAtEverySecond) {
    const std::uint64_t n = seeds();
    for (std::uint64_t seed = 1; seed <= n; ++seed) {
        RunResult r = run(GetParam(), seed);
        ASSERT_TRUE(r.safe) << r.report;
        ASSERT_TRUE(r.completed) << r.report;
    }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, SafetyProperty, ::testing::ValuesIn(all_kinds),
                         [](const auto& info) {
                             std::string s(name(info.param));
                             for (auto& c : s)
                                 if (c == '-') c = '_';
                             return s;
                         });

// Skipping one wait — treating the old DS as gone the moment the parent stops serving
// it, without waiting TTLds + DprpP — must produce a counterexample with its timeline.
TEST(SafetyPropertyCanFail, SkippingTheDsRemovalWaitIsCaught) {
    TestHooks hooks;
    hooks.skip_ds_removal_wait = true;
    for (Kind kind : {Kind::ksk_double_ksk, Kind::going_insecure}) {
        std::optional<RunResult> failure;
        for (std::uint64_t seed = 1; seed <= 200 && !failure; ++seed) {
            RunResult r = run(kind, seed, hooks);
            if (!r.safe) failure = r;
        }
        ASSERT_TRUE(failure) << name(kind) << ": the broken engine was never caught";
        EXPECT_NE(failure->report.find("fails to validate"), std::string::npos);
        EXPECT_NE(failure->report.find("timeline"), std::string::npos);
        EXPECT_NE(failure->report.find("engine: key"), std::string::npos);
        std::cout << "counterexample found as expected:\n"
                  << failure->report.substr(0, 3000) << "\n";
    }
}

}  // namespace
}  // namespace zw::rollover::sim
